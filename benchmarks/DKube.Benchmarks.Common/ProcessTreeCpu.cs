using System.Globalization;

namespace DKube.Benchmarks;

/// <summary>
/// CPU time of a process tree from /proc: each process at or below the root with what it reaped
/// (cutime/cstime: a waited-for child's CPU moves to its parent when it ends), so a phase's cost
/// counts processes that came and went during it (runs reaped by the launcher, PostgreSQL backends
/// reaped by the postmaster, which pg_ctl detached from the server).
/// </summary>
public static class ProcessTreeCpu
{
    public static TimeSpan Of(int root)
    {
        var parents = new Dictionary<int, (int Parent, long Ticks)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;

            try
            {
                var stat = File.ReadAllText($"{dir}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // Fields after the name, from state (3): ppid is 4, utime 14, stime 15, cutime 16, cstime 17.
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                          + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
                parents[pid] = (int.Parse(fields[1], CultureInfo.InvariantCulture), ticks);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Ended while we looked: its CPU is in its parent's reaped time.
            }
        }

        bool Below(int pid)
        {
            for (var depth = 0; depth < 16 && parents.TryGetValue(pid, out var p); depth++)
            {
                if (pid == root)
                    return true;
                pid = p.Parent;
            }

            return false;
        }

        // Clock ticks are 1/100 s on Linux.
        return TimeSpan.FromMilliseconds(10.0 * parents.Where(p => Below(p.Key)).Sum(p => p.Value.Ticks));
    }
}
