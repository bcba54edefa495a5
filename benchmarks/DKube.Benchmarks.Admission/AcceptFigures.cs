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
        await using var tenant = await StartHeldAsync(dataDir, 21141, 32041, calls);
        var http = tenant.Client;
        Console.WriteLine($"DKube.Orleans acceptance alone: {Environment.ProcessorCount} cores, {Connections} connections, load average {PhaseProfile.LoadAverage()}");

        // Warm-up (JIT, connections, activations), not counted; it also checks that the runs queue.
        await PostAsync(http, "w", Math.Min(submissions / 4, 500));
        var client = await ClientShareAsync(http, Math.Min(submissions, 2_000));
        Console.WriteLine($"  the client's own share (GET /healthz, same HttpClient): {client / 1024,6:F1} KiB per request (included in the figures below)");

        await PostPhaseAsync(dataDir, tenant, calls, "p", submissions);
        await BatchPhaseAsync(dataDir, tenant, calls, batches, batchSize);
        return 0;
    }

    /// <summary>
    /// <paramref name="submissions"/> held runs posted from 64 connections, printed with their profile
    /// and the allocating types (sampled from the runtime's allocation ticks). Answers the timing and the ids.
    /// </summary>
    public static async Task<(Latencies Latencies, TimeSpan Wall, string[] Ids)> PostPhaseAsync(
        string dataDir, OneTenantServer tenant, GrainCallCounter calls, string prefix, int submissions)
    {
        var database = tenant.Server.App.Services.GetRequiredService<NpgsqlDataSource>();
        (Latencies Latencies, TimeSpan Wall, string[] Ids) timed = default;
        using var allocations = new AllocationSampler();
        await PhaseProfile.RunAsync(dataDir, "POST /runs (1-GPU, queued behind a held pool)", submissions, "run", database, calls, async () =>
        {
            allocations.Start();
            timed = await PostAsync(tenant.Client, prefix, submissions);
            var types = allocations.Stop();
            var total = Math.Max(1, types.Sum(t => t.Bytes));
            return timed.Latencies.Report("  latency", timed.Wall) + Environment.NewLine + "  allocated by type (sampled share, KiB per run):" + Environment.NewLine +
                   string.Join(Environment.NewLine, types.Take(15).Select(t => $"    {100.0 * t.Bytes / total,5:F1} %  {t.Bytes / 1024.0 / submissions,6:F1}  {t.Type}"));
        }, statements: true, batcher: tenant.Server.App.Services.GetRequiredService<GrainStateBatcher>());
        return timed;
    }

    /// <summary>How many batches are in flight at once: a study or pipeline service submitting from a few connections.</summary>
    private const int BatchConnections = 4;

    /// <summary>
    /// <paramref name="batches"/> batches of <paramref name="batchSize"/> held runs from <see cref="BatchConnections"/>
    /// connections, printed with their profile. One connection leaves the cores mostly idle: a batch
    /// spends most of its time waiting for its one commit, which the next batch can share.
    /// </summary>
    public static async Task<(Latencies Latencies, TimeSpan Wall, int Accepted)> BatchPhaseAsync(
        string dataDir, OneTenantServer tenant, GrainCallCounter calls, int batches, int batchSize)
    {
        var database = tenant.Server.App.Services.GetRequiredService<NpgsqlDataSource>();
        (Latencies Latencies, TimeSpan Wall) timed = default;
        var accepted = 0;
        await PhaseProfile.RunAsync(dataDir, $"POST /runs:batch ({batches} x {batchSize} specs, {BatchConnections} connections)", batches * batchSize, "run", database, calls, async () =>
        {
            timed = await ClosedLoop.RunAsync(BatchConnections, batches, async b =>
            {
                using var response = await tenant.Client.PostAsJsonAsync("/api/v1/runs:batch", new { runs = Enumerable.Range(0, batchSize).Select(i => Spec($"b{b}-", i)) });
                response.EnsureSuccessStatusCode();
                var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
                Interlocked.Add(ref accepted, items.EnumerateArray().Count(i => i.GetProperty("status").GetInt32() == 201));
            });
            return timed.Latencies.Report("  latency per batch", timed.Wall) + $"  => {accepted / timed.Wall.TotalSeconds:F0} runs/s ({accepted} accepted)";
        }, statements: true, batcher: tenant.Server.App.Services.GetRequiredService<GrainStateBatcher>());
        return (timed.Latencies!, timed.Wall, accepted);
    }

    /// <summary>
    /// The one-tenant server with pg_stat_statements loaded, <paramref name="calls"/> counting grain
    /// calls, and the held group: one GPU that a <c>sleep</c> run holds, so that every 1-GPU run sent
    /// to it (<see cref="Spec"/>) is stored and queued but never executes.
    /// </summary>
    public static async Task<OneTenantServer> StartHeldAsync(string dataDir, int siloPort, int gatewayPort, GrainCallCounter calls)
    {
        await StatementStatistics.PreloadAsync(Path.Combine(dataDir, "postgres"));
        // Every accepted run waits, so the queue bounds of the group and of its one member are lifted.
        var tenant = await OneTenantServer.StartAsync(dataDir, siloPort, gatewayPort, s => s.AddSingleton<IIncomingGrainCallFilter>(calls),
            ["--QUOTA_QUEUED_PER_USER=10000000", "--QUOTA_QUEUED_PER_GROUP=10000000"]);
        await StatementStatistics.CreateAsync(tenant.Server.App.Services.GetRequiredService<NpgsqlDataSource>());
        await tenant.Grains.GetGrain<DKube.Abstractions.Tenancy.IGroupGrain>(Group).Create(1, ["bench"], null, null);
        await tenant.Grains.GetGrain<DKube.Abstractions.Tenancy.IGroupGrain>(Group).AddMember("bench-api-user");

        // The one GPU is held for the whole benchmark by a run that sleeps.
        using var holder = await tenant.Client.PostAsJsonAsync("/api/v1/runs", new { name = "holder", kind = "training", command = "sleep 3600", gpus = 1, group = Group });
        holder.EnsureSuccessStatusCode();
        var run = await holder.Content.ReadFromJsonAsync<JsonElement>();
        tenant.StopAtEnd(run.GetProperty("id").GetString()!);
        var status = run.GetProperty("status").GetString();
        if (status != nameof(WorkloadStatus.Running) && status != nameof(WorkloadStatus.Starting))
        {
            Console.WriteLine($"  the holder run is {status}, not running: the runs may execute");
        }

        return tenant;
    }

    /// <summary>A run of the held group that needs its one GPU: stored and queued, never started.</summary>
    public static object Spec(string prefix, int i) =>
        new { name = prefix + i.ToString(CultureInfo.InvariantCulture), kind = "training", command = "true", gpus = 1, group = Group };

    /// <summary>Posts <paramref name="count"/> held runs from 64 connections; each must be answered as queued. Answers the ids too.</summary>
    public static async Task<(Latencies Latencies, TimeSpan Wall, string[] Ids)> PostAsync(HttpClient http, string prefix, int count)
    {
        var ids = new string[count];
        var (latencies, wall) = await ClosedLoop.RunAsync(Connections, count, async i =>
        {
            using var response = await http.PostAsJsonAsync("/api/v1/runs", Spec(prefix, i));
            response.EnsureSuccessStatusCode();
            var run = await response.Content.ReadFromJsonAsync<JsonElement>();
            var status = run.GetProperty("status").GetString();
            if (status != nameof(WorkloadStatus.WaitingForGpus))
            {
                throw new InvalidOperationException($"A run meant to queue is {status}.");
            }

            ids[i] = run.GetProperty("id").GetString()!;
        });
        return (latencies, wall, ids);
    }

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
}
