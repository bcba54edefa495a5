using System.Diagnostics;
using System.Globalization;
using DKube.Storage.Grains;
using Npgsql;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// One phase of a benchmark and what bounds it, printed under its figures: per unit (a run accepted,
/// a request answered) PostgreSQL commits and WAL fsyncs, grain calls by method, bytes allocated and
/// CPU milliseconds of this process and of the embedded PostgreSQL; the runtime's counters over the
/// phase (<see cref="PhaseSampler"/>); with the grain storage's batcher, its reads, writes and waits (<see cref="StorageWork"/>); and, when pg_stat_statements is loaded, the statements that
/// took PostgreSQL the most time.
/// </summary>
public static class PhaseProfile
{
    /// <summary>Runs <paramref name="phase"/> (which answers its timing lines) and prints it with its profile.</summary>
    public static async Task RunAsync(
        string dataDir, string name, int units, string unit, NpgsqlDataSource database, GrainCallCounter calls, Func<Task<string>> phase, bool statements = false, GrainStateBatcher? batcher = null)
    {
        var before = await DatabaseWork.ReadAsync(database, StatementStatistics.Own);
        if (statements)
        {
            await StatementStatistics.ResetAsync(database);
        }

        calls.Take();
        var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDir, "postgres", "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var (cpu, postgresCpu) = (Process.GetCurrentProcess().TotalProcessorTime, ProcessTreeCpu.Of(postmaster));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var sampler = new PhaseSampler();
        var storage = batcher is null ? default : StorageWork.Of(batcher);

        var timing = await phase();

        var runtime = await sampler.StopAsync();
        await sampler.DisposeAsync();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        postgresCpu = ProcessTreeCpu.Of(postmaster) - postgresCpu;
        var grainCalls = calls.Take();
        var top = statements ? await StatementStatistics.ReadAsync(database) : [];
        var work = await DatabaseWork.ReadAsync(database, StatementStatistics.Own) - before;
        double Per(double n) => n / units;

        Console.WriteLine();
        Console.WriteLine($"== {name}: {units} {unit}s, load average {LoadAverage()}");
        Console.WriteLine(timing);
        Console.WriteLine($"  per {unit}: {work.Per(units)}, {Per(grainCalls.Values.Sum()),5:F2} grain calls, {Per(allocated) / 1024,6:F1} KiB allocated, " +
                          $"CPU {Per(cpu.TotalMilliseconds),5:F2} ms (this process) + {Per(postgresCpu.TotalMilliseconds),5:F2} ms (PostgreSQL)");
        if (batcher is not null)
        {
            // What a submission waits for besides CPU: its grain's state look-up (activation) and its writes' group commits.
            Console.WriteLine($"  grain storage: {(StorageWork.Of(batcher) - storage).Report(units)}");
        }

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
}
