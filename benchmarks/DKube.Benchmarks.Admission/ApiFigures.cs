using System.Globalization;
using DKube.Server;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// The HTTP figures of issue 10 side by side from one server (embedded default, fsync on), each
/// with its goal, and under each the profile of what bounds it (<see cref="PhaseProfile"/>: per
/// request commits, grain calls, allocations and CPU, the runtime's counters, the top statements).
/// The server is the acceptance-only setup of <see cref="AcceptFigures"/>: the runs queue behind a
/// held pool and none executes, so the reads do not share the cores with thousands of processes.
/// Phases: the stack's own ceiling (<c>/healthz</c>, closed loop), <c>POST /runs</c> at 64
/// connections, <c>POST /runs:batch</c> of 1,000 specs, then <c>GET /runs/{id}</c> at a steady
/// 2,000 req/s and <c>GET /runs</c> at 1,000 req/s, open loop: requests leave on a schedule and
/// each is timed from when it was due, so a stall shows as latency instead of slowing the offer
/// (coordinated omission).
/// </summary>
public static class ApiFigures
{
    private const int Connections = OneTenantServer.Connections;
    private const int BatchSize = 1_000;

    public static async Task<int> RunAsync(int submissions, int batches, TimeSpan steady)
    {
        var dataDir = Directory.CreateTempSubdirectory("dkube-bench-api-").FullName;
        var calls = new GrainCallCounter();
        await using var tenant = await AcceptFigures.StartHeldAsync(dataDir, 21112, 32001, calls);
        var http = tenant.Client;
        var database = tenant.Server.App.Services.GetRequiredService<NpgsqlDataSource>();
        Console.WriteLine($"DKube.Orleans API figures: {Environment.ProcessorCount} cores, {Connections} connections, embedded PostgreSQL, " +
                          $"runs queued behind a held pool (none executes), load average {PhaseProfile.LoadAverage()}");

        // Warm-up (JIT, connections, activations, the list's plan), not counted.
        var warm = await AcceptFigures.PostAsync(http, "w", Math.Min(Math.Max(submissions / 4, 1), 500));
        await ClosedLoop.RunAsync(Connections, 2_000, i => GetAsync(http, i % 2 == 0 ? "/healthz" : $"/api/v1/runs/{warm.Ids[i % warm.Ids.Length]}"));
        await ClosedLoop.RunAsync(Connections, 500, _ => GetAsync(http, "/api/v1/runs"));

        (Latencies Latencies, TimeSpan Wall) healthz = default;
        await PhaseProfile.RunAsync(dataDir, "GET /healthz (the HTTP stack's own ceiling, closed loop)", 20_000, "request", database, calls, async () =>
        {
            healthz = await ClosedLoop.RunAsync(Connections, 20_000, _ => GetAsync(http, "/healthz"));
            return healthz.Latencies.Report("  latency", healthz.Wall);
        });

        var posts = await AcceptFigures.PostPhaseAsync(dataDir, tenant, calls, "p", submissions);
        var batch = await AcceptFigures.BatchPhaseAsync(dataDir, tenant, calls, batches, BatchSize);
        var ids = posts.Ids;
        var point = await SteadyAsync(dataDir, "GET /runs/{id}", 2_000, steady, database, calls, i => GetAsync(http, $"/api/v1/runs/{ids[i % ids.Length]}"));
        var list = await SteadyAsync(dataDir, "GET /runs", 1_000, steady, database, calls, _ => GetAsync(http, "/api/v1/runs"));

        Console.WriteLine();
        Console.WriteLine($"== Issue 10's figures, side by side ({await RunCountAsync(database)} runs in the read model; load average {PhaseProfile.LoadAverage()})");
        Console.WriteLine($"  {"figure",-40} {"measured",-44} {"goal",-30} result");
        Row("GET /healthz (ceiling), 64 connections", Rate(healthz), "(the stack's own ceiling)", null);
        var postRate = posts.Latencies.Count / posts.Wall.TotalSeconds;
        Row("POST /runs, 64 connections", Rate((posts.Latencies, posts.Wall)), ">= 1,500/s, p99 < 100 ms", postRate >= 1_500 && posts.Latencies.Percentile(0.99) < 100);
        var batchRate = batch.Accepted / batch.Wall.TotalSeconds;
        Row($"POST /runs:batch of {BatchSize:N0}", $"{batchRate,6:F0} runs/s ({batch.Accepted} accepted)", ">= 10,000 runs/s", batchRate >= 10_000);
        Row("GET /runs/{id} at 2,000 req/s offered", Rate(point), "p99 < 10 ms", point.Latencies.Percentile(0.99) < 10);
        Row("GET /runs at 1,000 req/s offered", Rate(list), "p99 < 20 ms", list.Latencies.Percentile(0.99) < 20);
        return 0;
    }

    /// <summary>An open loop at <paramref name="perSecond"/> for <paramref name="steady"/>, printed with its profile.</summary>
    private static async Task<(Latencies Latencies, TimeSpan Wall)> SteadyAsync(
        string dataDir, string name, int perSecond, TimeSpan steady, NpgsqlDataSource database, GrainCallCounter calls, Func<int, Task> request)
    {
        (Latencies Latencies, TimeSpan Wall) timed = default;
        var requests = (int)(perSecond * steady.TotalSeconds);
        await PhaseProfile.RunAsync(dataDir, $"{name} at {perSecond:N0} req/s offered (open loop, timed from when each was due)", requests, "request", database, calls, async () =>
        {
            timed = await OpenLoop.RunAsync(perSecond, steady, request);
            return timed.Latencies.Report("  latency", timed.Wall);
        }, statements: true);
        return timed;
    }

    private static string Rate((Latencies Latencies, TimeSpan Wall) timed) =>
        $"{timed.Latencies.Count / timed.Wall.TotalSeconds,6:F0}/s  p50 {timed.Latencies.Percentile(0.50),7:F2} ms  p99 {timed.Latencies.Percentile(0.99),7:F2} ms";

    private static void Row(string figure, string measured, string goal, bool? met) =>
        Console.WriteLine($"  {figure,-40} {measured,-44} {goal,-30} {met switch { true => "met", false => "MISSED", null => "" }}");

    private static async Task<long> RunCountAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand(StatementStatistics.Own + "SELECT count(*) FROM dkube_resources WHERE kind = 'run'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }
}
