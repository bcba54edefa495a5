using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// One phase of a benchmark and what bounds it, printed under its figures: per unit (a run accepted,
/// a request answered) PostgreSQL commits and WAL fsyncs, grain calls by method, bytes allocated and
/// CPU milliseconds of this process and of the embedded PostgreSQL; the runtime's counters over the
/// phase (<see cref="PhaseSampler"/>); and, when pg_stat_statements is loaded, the statements that
/// took PostgreSQL the most time.
/// </summary>
public static class PhaseProfile
{
    /// <summary>Runs <paramref name="phase"/> (which answers its timing lines) and prints it with its profile.</summary>
    public static async Task RunAsync(
        string dataDir, string name, int units, string unit, NpgsqlDataSource database, GrainCallCounter calls, Func<Task<string>> phase, bool statements = false)
    {
        var before = await DatabaseWork.ReadAsync(database, StatementStatistics.Own);
        if (statements)
        {
            await StatementStatistics.ResetAsync(database);
        }

        calls.Take();
        var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDir, "postgres", "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var (cpu, postgresCpu) = (Process.GetCurrentProcess().TotalProcessorTime, TreeCpu(postmaster));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var sampler = new PhaseSampler();

        var timing = await phase();

        var runtime = await sampler.StopAsync();
        await sampler.DisposeAsync();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        postgresCpu = TreeCpu(postmaster) - postgresCpu;
        var grainCalls = calls.Take();
        var top = statements ? await StatementStatistics.ReadAsync(database) : [];
        var work = await DatabaseWork.ReadAsync(database, StatementStatistics.Own) - before;
        double Per(double n) => n / units;

        Console.WriteLine();
        Console.WriteLine($"== {name}: {units} {unit}s, load average {LoadAverage()}");
        Console.WriteLine(timing);
        Console.WriteLine($"  per {unit}: {work.Per(units)}, {Per(grainCalls.Values.Sum()),5:F2} grain calls, {Per(allocated) / 1024,6:F1} KiB allocated, " +
                          $"CPU {Per(cpu.TotalMilliseconds),5:F2} ms (this process) + {Per(postgresCpu.TotalMilliseconds),5:F2} ms (PostgreSQL)");
        Console.WriteLine($"  grain calls (per {unit}):");
        foreach (var (method, n) in grainCalls.OrderByDescending(c => c.Value).Take(10))
        {
            Console.WriteLine($"    {Per(n),7:F2}  {method}");
        }

        Console.WriteLine("  runtime counters (System.Runtime, as dotnet-counters shows them):");
        Console.WriteLine(runtime);
        if (statements)
        {
            Console.WriteLine($"  top statements by total time (ms per {unit}, calls per {unit}, mean ms):");
            foreach (var s in top.OrderByDescending(s => s.Calls * s.MeanMs).Take(5))
            {
                Console.WriteLine($"    {Per(s.Calls * s.MeanMs),7:F3} ms  {Per(s.Calls),6:F2} x {s.MeanMs,7:F3} ms  {s.Query}");
            }
        }
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    /// <summary>
    /// CPU time of <paramref name="root"/> (the embedded PostgreSQL's postmaster, which pg_ctl
    /// detached from this process) with what it reaped, and of its live children (the backends).
    /// </summary>
    private static TimeSpan TreeCpu(int root)
    {
        var parents = new Dictionary<int, (int Parent, long Ticks)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText($"{dir}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // Fields after the name, from state (3): ppid is 4, utime 14, stime 15, cutime 16, cstime 17.
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                          + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
                parents[pid] = (int.Parse(fields[1], CultureInfo.InvariantCulture), ticks);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        bool Below(int pid)
        {
            for (var depth = 0; depth < 16 && parents.TryGetValue(pid, out var p); depth++)
            {
                if (pid == root)
                {
                    return true;
                }

                pid = p.Parent;
            }

            return false;
        }

        // Clock ticks are 1/100 s on Linux.
        return TimeSpan.FromMilliseconds(10.0 * parents.Where(p => Below(p.Key)).Sum(p => p.Value.Ticks));
    }
}
