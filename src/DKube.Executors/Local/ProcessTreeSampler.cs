using System.Globalization;

namespace DKube.Executors.Local;

/// <summary>
/// CPU and resident memory of local runs, from one pass over /proc per sample: every process is
/// counted for the run whose process group it is in (each run leads its own group, which is also
/// what a stop signals). CPU is the growth of user + system time of the processes seen since the
/// previous sample, per second of wall time; a process that ended in between takes its last
/// interval with it (the error is at most one interval of a short-lived child).
/// </summary>
internal sealed class ProcessTreeSampler
{
    /// <summary>USER_HZ: the unit of /proc times, 100 on every Linux architecture DKube runs on.</summary>
    private const double TicksPerSecond = 100;

    private readonly object _gate = new();
    private Dictionary<(int Pid, long Start), long> _previous = [];
    private long _previousAt;

    /// <summary>Per process group in <paramref name="groups"/>: CPU cores used since the last call, and resident bytes now.</summary>
    public IReadOnlyDictionary<int, (double CpuCores, long MemoryBytes)> Sample(IReadOnlySet<int> groups, long nowTimestamp)
    {
        lock (_gate)
        {
            var ticks = new Dictionary<(int, long), long>();
            var totals = new Dictionary<int, (long CpuTicks, long Rss)>();
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    || ReadUsage(pid) is not { } usage || !groups.Contains(usage.Group))
                {
                    continue;
                }

                var key = (pid, usage.Start);
                ticks[key] = usage.CpuTicks;
                // A process first seen now counts what it used since it started (it started within the interval, or the run is new).
                var grown = usage.CpuTicks - _previous.GetValueOrDefault(key);
                var total = totals.GetValueOrDefault(usage.Group);
                totals[usage.Group] = (total.CpuTicks + Math.Max(0, grown), total.Rss + usage.RssPages);
            }

            var seconds = _previousAt == 0 ? 0 : System.Diagnostics.Stopwatch.GetElapsedTime(_previousAt, nowTimestamp).TotalSeconds;
            (_previous, _previousAt) = (ticks, nowTimestamp);
            var pageSize = Environment.SystemPageSize;
            // The first sample has no interval: it reports memory and no CPU rather than a guess.
            return totals.ToDictionary(t => t.Key, t => (seconds > 0 ? t.Value.CpuTicks / TicksPerSecond / seconds : 0, t.Value.Rss * pageSize));
        }
    }

    /// <summary>Process group, user + system ticks, start time and resident pages from /proc/&lt;pid&gt;/stat.</summary>
    internal static (int Group, long CpuTicks, long Start, long RssPages)? ReadUsage(int pid)
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

        return ParseUsage(text);
    }

    /// <summary>Fields after the command name (which may hold spaces and parentheses): field n is rest[n - 3].</summary>
    internal static (int Group, long CpuTicks, long Start, long RssPages)? ParseUsage(string text)
    {
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 > text.Length)
        {
            return null;
        }

        var rest = text[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var c = CultureInfo.InvariantCulture;
        return rest.Length >= 22
               && rest[0][0] is not ('Z' or 'X' or 'x')
               && int.TryParse(rest[2], NumberStyles.Integer, c, out var group)
               && long.TryParse(rest[11], NumberStyles.Integer, c, out var utime)
               && long.TryParse(rest[12], NumberStyles.Integer, c, out var stime)
               && long.TryParse(rest[19], NumberStyles.Integer, c, out var start)
               && long.TryParse(rest[21], NumberStyles.Integer, c, out var rss)
            ? (group, utime + stime, start, rss)
            : null;
    }
}
