using System.Globalization;

namespace DKube.Executors.Local;

/// <summary>
/// Reads process facts from /proc. These reads are served from kernel memory and never block on
/// a device, which is why they are synchronous.
/// </summary>
internal static class ProcFs
{
    public static ProcStat? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return ParseStat(text);
    }

    /// <summary>Parses a stat line; the command name (field 2) may hold spaces and parentheses, so fields are counted after the last ')'.</summary>
    public static ProcStat? ParseStat(string text)
    {
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 > text.Length)
            return null;

        // rest[0] is field 3 (state), so field n is rest[n - 3].
        var rest = text[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length < 20
            || !int.TryParse(rest[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group)
            || !long.TryParse(rest[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start))
            return null;

        return new ProcStat(rest[0][0], group, start);
    }

    public static bool IsAlive(ProcessIdentity identity) =>
        ReadStat(identity.Pid) is { } stat && stat.StartTicks == identity.StartTicks && stat.IsRunning;

    /// <summary>
    /// Whether any live process is still in the group. A live member pins the group id, so the
    /// kernel cannot have handed it to someone else: signalling the group is then safe.
    /// </summary>
    public static bool GroupHasLiveMembers(int processGroup)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && ReadStat(pid) is { } stat && stat.ProcessGroup == processGroup && stat.IsRunning)
                return true;
        }

        return false;
    }
}
