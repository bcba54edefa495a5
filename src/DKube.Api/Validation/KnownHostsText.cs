using System.Text.RegularExpressions;

namespace DKube.Api.Validation;

/// <summary>The <c>knownHosts</c> field of a code repository: lines of an ssh known_hosts file, which ssh reads as they are.</summary>
public static partial class KnownHostsText
{
    public const int MaxLength = 64 * 1024;

    /// <summary>Records an error unless <paramref name="text"/> is empty (no pin) or every line is a comment or a host key entry.</summary>
    public static RequestValidator KnownHosts(this RequestValidator validator, string field, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return validator;
        }

        // A stray control character or an overlong file is refused before ssh could misread it.
        var lines = text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var ok = text.Length <= MaxLength
            && !text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            && lines.Count > 0
            && lines.All(l => Entry().IsMatch(l));
        return validator.Check(ok, field, "must be lines of an ssh known_hosts file ('host key-type base64-key'), as ssh-keyscan prints them.");
    }

    /// <summary>The text as written to the file ssh reads: Unix line ends, one final newline; empty stays empty (it unpins).</summary>
    public static string? Normalize(string? text) =>
        text is null ? null : text.Trim().Length == 0 ? "" : text.ReplaceLineEndings("\n").Trim() + "\n";

    [GeneratedRegex(@"^(@(cert-authority|revoked)\s+)?\S+\s+[A-Za-z0-9@.-]+\s+[A-Za-z0-9+/]+={0,3}(\s.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Entry();
}
