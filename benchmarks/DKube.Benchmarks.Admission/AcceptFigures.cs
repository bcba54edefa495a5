using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using DKube.Abstractions.Workloads;
using DKube.Server;
using DKube.Storage.Grains;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// Acceptance alone: what <c>POST /runs</c> and <c>POST /runs:batch</c> cost when nothing runs.
/// The runs go to a group of one GPU that one <c>sleep</c> run holds, and each needs one GPU, so
/// every submission is stored and queued (a 201, as durable as any) but never executes: the figures
/// measure the submission path without the executor competing for the same cores. Per run:
/// throughput and latency, PostgreSQL commits and WAL fsyncs, grain calls by method, bytes
/// allocated by this process (server and client: the client's share is measured alone first),
/// and CPU milliseconds of this process and of the embedded PostgreSQL.
/// </summary>
public static class AcceptFigures
{
    private const int Connections = OneTenantServer.Connections;
    private const string Group = "bench-held";

    public static async Task<int> RunAsync(int submissions, int batches, int batchSize)
    {
        var dataDir = Directory.CreateTempSubdirectory("dkube-bench-accept-").FullName;
        var calls = new GrainCallCounter();
        // Every accepted run waits, so the queue bounds of the group and of its one member are lifted.
        await using var tenant = await OneTenantServer.StartAsync(dataDir, 21141, 32041, s => s.AddSingleton<IIncomingGrainCallFilter>(calls),
            ["--QUOTA_QUEUED_PER_USER=10000000", "--QUOTA_QUEUED_PER_GROUP=10000000"]);
        var (server, grains, http) = (tenant.Server, tenant.Grains, tenant.Client);
        var database = server.App.Services.GetRequiredService<NpgsqlDataSource>();
        var batcher = server.App.Services.GetRequiredService<GrainStateBatcher>();
        await grains.GetGrain<DKube.Abstractions.Tenancy.IGroupGrain>(Group).Create(1, ["bench"], null, null);
        await grains.GetGrain<DKube.Abstractions.Tenancy.IGroupGrain>(Group).AddMember("bench-api-user");

        // The one GPU is held for the whole benchmark by a run that sleeps.
        using (var holder = await http.PostAsJsonAsync("/api/v1/runs", new { name = "holder", kind = "training", command = "sleep 3600", gpus = 1, group = Group }))
        {
            holder.EnsureSuccessStatusCode();
            var status = (await holder.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString();
            Console.WriteLine($"DKube.Orleans acceptance alone: {Environment.ProcessorCount} cores, {Connections} connections, load average {LoadAverage()}; the holder run is {status}");
        }

        // Warm-up (JIT, connections, activations), not counted; it also checks that the runs queue.
        await PostAsync(http, "w", Math.Min(submissions / 4, 500));
        var client = await ClientShareAsync(http, Math.Min(submissions, 2_000));
        Console.WriteLine($"  the client's own share (GET /healthz, same HttpClient): {client / 1024,6:F1} KiB per request (included in the figures below)");

        using var allocations = new AllocationSampler();
        await PhaseAsync(dataDir, "POST /runs (1-GPU, queued behind a held pool)", submissions, database, batcher, calls, async () =>
        {
            allocations.Start();
            var timed = await PostAsync(http, "p", submissions);
            var types = allocations.Stop();
            var total = Math.Max(1, types.Sum(t => t.Bytes));
            return timed.Latencies.Report("  latency", timed.Wall) + Environment.NewLine + "  allocated by type (sampled share, KiB per run):" + Environment.NewLine +
                   string.Join(Environment.NewLine, types.Take(15).Select(t => $"    {100.0 * t.Bytes / total,5:F1} %  {t.Bytes / 1024.0 / submissions,6:F1}  {t.Type}"));
        });

        await PhaseAsync(dataDir, $"POST /runs:batch ({batches} x {batchSize} specs), per run", batches * batchSize, database, batcher, calls, async () =>
        {
            var latencies = new Latencies();
            var wall = Stopwatch.StartNew();
            var accepted = 0;
            for (var b = 0; b < batches; b++)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync("/api/v1/runs:batch", new { runs = Enumerable.Range(0, batchSize).Select(i => Spec($"b{b}-", i)) });
                response.EnsureSuccessStatusCode();
                var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
                accepted += items.EnumerateArray().Count(i => i.GetProperty("status").GetInt32() == 201);
                latencies.Add(Stopwatch.GetElapsedTime(start));
            }

            return latencies.Report("  latency per batch", wall.Elapsed) + $"  => {accepted / wall.Elapsed.TotalSeconds:F0} runs/s ({accepted} accepted)";
        });
        return 0;
    }

    /// <summary>A run of the held group that needs its one GPU: stored and queued, never started.</summary>
    private static object Spec(string prefix, int i) =>
        new { name = prefix + i.ToString(CultureInfo.InvariantCulture), kind = "training", command = "true", gpus = 1, group = Group };

    private static Task<(Latencies Latencies, TimeSpan Wall)> PostAsync(HttpClient http, string prefix, int count) =>
        ClosedLoop.RunAsync(Connections, count, async i =>
        {
            using var response = await http.PostAsJsonAsync("/api/v1/runs", Spec(prefix, i));
            response.EnsureSuccessStatusCode();
            var status = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString();
            if (status != nameof(WorkloadStatus.WaitingForGpus))
            {
                throw new InvalidOperationException($"A run meant to queue is {status}.");
            }
        });

    /// <summary>Bytes this process allocates per request of the cheapest endpoint: roughly what the client side costs.</summary>
    private static async Task<double> ClientShareAsync(HttpClient http, int count)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await ClosedLoop.RunAsync(Connections, count, async _ =>
        {
            using var response = await http.GetAsync("/healthz");
            await response.Content.ReadAsByteArrayAsync();
        });
        return (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / count;
    }

    private static async Task PhaseAsync(string dataDir, string name, int runs, NpgsqlDataSource database, GrainStateBatcher batcher, GrainCallCounter calls, Func<Task<string>> phase)
    {
        if (runs == 0)
        {
            return;
        }

        var storage = StorageWork.Of(batcher);
        var before = await DatabaseWork.ReadAsync(database);
        calls.Take();
        var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDir, "postgres", "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var (cpu, postgresCpu) = (Process.GetCurrentProcess().TotalProcessorTime, TreeCpu(postmaster));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);

        var timing = await phase();

        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        postgresCpu = TreeCpu(postmaster) - postgresCpu;
        var grainCalls = calls.Take();
        var work = await DatabaseWork.ReadAsync(database) - before;
        storage = StorageWork.Of(batcher) - storage;
        double Per(double n) => n / runs;

        Console.WriteLine();
        Console.WriteLine($"== {name}: {runs} runs");
        Console.WriteLine(timing);
        Console.WriteLine($"  per run: {work.Per(runs)}, {Per(grainCalls.Values.Sum()),5:F2} grain calls, {Per(allocated) / 1024,6:F1} KiB allocated, " +
                          $"CPU {Per(cpu.TotalMilliseconds),5:F2} ms (this process) + {Per(postgresCpu.TotalMilliseconds),5:F2} ms (PostgreSQL)");
        // What a submission waits for besides CPU: its grain's state look-up (activation) and its writes' group commits.
        Console.WriteLine($"  grain storage: {storage.Report(runs)}; load average {LoadAverage()}");
        Console.WriteLine("  grain calls (per run):");
        foreach (var (method, n) in grainCalls.OrderByDescending(c => c.Value).Take(10))
        {
            Console.WriteLine($"    {Per(n),7:F2}  {method}");
        }
    }

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

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
