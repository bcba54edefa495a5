using DKube.Abstractions.Errors;

namespace DKube.Storage.Versions;

/// <summary>
/// The path rules of a version: relative, '/'-separated, no '..', no backslashes or control
/// characters; symbolic links may only climb with leading '..' segments as far as the root.
/// </summary>
public static class SafePath
{
    public const int MaxLength = 4096;

    /// <summary>The normalized relative path of <paramref name="raw"/> ("" for the root); 422 when it is not safe.</summary>
    public static string Normalize(string raw)
    {
        if (raw.Length > MaxLength || raw.Contains('\\', StringComparison.Ordinal) || raw.Any(char.IsControl))
        {
            throw Unsafe(raw, "has backslashes, control characters or is too long");
        }

        if (raw.StartsWith('/') || (raw.Length >= 2 && raw[1] == ':'))
        {
            throw Unsafe(raw, "is absolute");
        }

        var segments = raw.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Contains(".."))
        {
            throw Unsafe(raw, "climbs out with '..'");
        }

        if (segments.Any(s => s.Length > 255))
        {
            throw Unsafe(raw, "has a name longer than 255 characters");
        }

        return string.Join('/', segments);
    }

    /// <summary>Refuses a link at <paramref name="linkPath"/> whose <paramref name="target"/> could lead outside the version.</summary>
    public static void RequireLinkInside(string linkPath, string target)
    {
        if (target.Length == 0 || target.Length > MaxLength || target.StartsWith('/') || target.Contains('\\', StringComparison.Ordinal) || target.Any(char.IsControl))
        {
            throw Unsafe(linkPath, $"is a link to '{target}', outside the version");
        }

        // Only leading '..' segments, and no more of them than the link is deep: any '..' after a
        // name could climb out through another link (a link to '.' followed by '..').
        var segments = target.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        var climbs = segments.TakeWhile(s => s == "..").Count();
        var depth = linkPath.Count(c => c == '/');
        if (climbs > depth || segments.Skip(climbs).Contains(".."))
        {
            throw Unsafe(linkPath, $"is a link to '{target}', outside the version");
        }
    }

    public static DomainException Unsafe(string path, string why) =>
        DomainException.Unprocessable("unsafe-archive", $"Entry '{Printable(path)}' {why}; nothing was stored.");

    private static string Printable(string path) =>
        new(path.Take(200).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
