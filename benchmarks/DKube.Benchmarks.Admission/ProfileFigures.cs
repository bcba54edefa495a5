using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Tenancy;
using DKube.Server;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// What one request of the API's hot paths costs, in figures that do not depend on how loaded the
/// machine is: PostgreSQL commits and statements (pg_stat_statements, loaded into the embedded
/// server before the DKube server starts it), grain calls by interface and method, bytes allocated
/// by the process, and programs exec'd (perf). Phases: N <c>POST /runs</c> at 64 connections (until
/// every run has ended, so a run's whole life is counted), one <c>POST /runs:batch</c> of 1,000
/// specs, then N <c>GET /runs/{id}</c> and N <c>GET /runs?scope=mine</c>. Each phase prints its
/// totals per request and its top statements and grain calls.
/// </summary>
public static class ProfileFigures
{
    private const int Connections = OneTenantServer.Connections;

    private const string Own = StatementStatistics.Own;

    public static async Task<int> RunAsync(int requests, int batchSize)
    {
        var dataDir = Directory.CreateTempSubdirectory("dkube-bench-profile-").FullName;
        await StatementStatistics.PreloadAsync(Path.Combine(dataDir, "postgres"));
        var calls = new GrainCallCounter();
        await using var tenant = await OneTenantServer.StartAsync(dataDir, 21131, 32031, s => s.AddSingleton<IIncomingGrainCallFilter>(calls));
        var (server, grains, http) = (tenant.Server, tenant.Grains, tenant.Client);
        var database = server.App.Services.GetRequiredService<NpgsqlDataSource>();
        await StatementStatistics.CreateAsync(database);
        Console.WriteLine($"DKube.Orleans API profile: {requests} requests a phase, {Connections} connections, batch of {batchSize}; counts per request");

        // Warm-up (JIT, connections, the pool's and cluster's activations), not counted.
        var ids = new string[requests];
        await PostAsync(http, "w", requests / 4, ids);
        await WaitForRunsToEndAsync(database);

        await PhaseAsync("POST /runs", requests, database, calls, async () =>
        {
            await PostAsync(http, "p", requests, ids);
            await WaitForRunsToEndAsync(database);
        });

        await PhaseAsync($"POST /runs:batch ({batchSize} specs), per run", batchSize, database, calls, async () =>
        {
            using var response = await http.PostAsJsonAsync("/api/v1/runs:batch", new { runs = Enumerable.Range(0, batchSize).Select(i => OneTenantServer.RunSpec("b", i)) });
            response.EnsureSuccessStatusCode();
            var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
            var accepted = items.EnumerateArray().Count(i => i.GetProperty("status").GetInt32() == 201);
            if (accepted != batchSize)
            {
                Console.WriteLine($"  only {accepted} of {batchSize} accepted");
            }

            await WaitForRunsToEndAsync(database);
        });

        await PhaseAsync("GET /runs/{id}", requests, database, calls, () =>
            ClosedLoop.RunAsync(Connections, requests, i => GetAsync(http, $"/api/v1/runs/{ids[i]}")));
        await PhaseAsync("GET /runs?scope=mine", requests, database, calls, () =>
            ClosedLoop.RunAsync(Connections, requests, _ => GetAsync(http, "/api/v1/runs?scope=mine")));
        return 0;
    }

    private static async Task PhaseAsync(string name, int requests, NpgsqlDataSource database, GrainCallCounter calls, Func<Task> phase)
    {
        var before = await DatabaseWork.ReadAsync(database, Own);
        await StatementStatistics.ResetAsync(database);
        calls.Take();
        var execs = await ExecCounter.StartAsync();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);

        await phase();

        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var execCount = execs is null ? null : await execs.StopAsync();
        var grainCalls = calls.Take();
        var statements = await StatementStatistics.ReadAsync(database);
        var (commits, walSyncs) = await DatabaseWork.ReadAsync(database, Own) - before;
        double Per(double n) => n / requests;

        Console.WriteLine();
        Console.WriteLine($"== {name}: {requests} requests");
        Console.WriteLine($"  PostgreSQL: {Per(commits),7:F2} commits, {Per(walSyncs),6:F3} WAL fsyncs, {Per(statements.Sum(s => s.Calls)),7:F2} statements");
        Console.WriteLine($"  grain calls: {Per(grainCalls.Values.Sum()),6:F2}   allocated: {Per(allocated) / 1024,8:F1} KiB   execs: {(execCount is { } e ? Per(e).ToString("F2", CultureInfo.InvariantCulture) : "n/a (perf)")}");
        Console.WriteLine("  top statements by calls (per request, mean ms):");
        foreach (var s in statements.OrderByDescending(s => s.Calls).Take(12))
        {
            Console.WriteLine($"    {Per(s.Calls),7:F2}  {s.MeanMs,7:F3} ms  {s.Query}");
        }

        Console.WriteLine("  top statements by total time (ms per request):");
        foreach (var s in statements.OrderByDescending(s => s.Calls * s.MeanMs).Take(5))
        {
            Console.WriteLine($"    {Per(s.Calls * s.MeanMs),7:F3} ms  {s.Query}");
        }

        Console.WriteLine("  grain calls (per request):");
        foreach (var (method, n) in grainCalls.OrderByDescending(c => c.Value).Take(15))
        {
            Console.WriteLine($"    {Per(n),7:F2}  {method}");
        }
    }

    private static async Task PostAsync(HttpClient http, string prefix, int count, string[] ids)
    {
        await ClosedLoop.RunAsync(Connections, count, async i =>
        {
            using var response = await http.PostAsJsonAsync("/api/v1/runs", OneTenantServer.RunSpec(prefix, i));
            response.EnsureSuccessStatusCode();
            ids[i] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        });
    }

    private static async Task GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Until the read model shows no run that has not ended (each is a `true`, so this is soon).</summary>
    private static async Task WaitForRunsToEndAsync(NpgsqlDataSource database)
    {
        while (true)
        {
            await using var command = database.CreateCommand(
                Own + "SELECT count(*) FROM dkube_resources WHERE kind = 'run' AND lower(status) IN ('queued', 'waitingforgpus', 'starting', 'running', 'stopping')");
            if ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                return;
            }

            await Task.Delay(200);
        }
    }
}
