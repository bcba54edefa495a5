using System.Diagnostics;
using System.Globalization;
using System.Net;
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
/// The HTTP figures of issue 10, side by side from one server (embedded default, fsync on): the
/// stack's own ceiling (<c>/healthz</c>), <c>POST /runs</c> at 64 connections, <c>POST /runs:batch</c>
/// of 1,000 specs, and the p99 of <c>GET /runs/{id}</c> and <c>GET /runs</c> at a steady offered rate.
/// Runs are 0-GPU <c>true</c> commands, so nothing queues.
/// </summary>
public static class ApiFigures
{
    private const int Connections = OneTenantServer.Connections;

    public static async Task<int> RunAsync(int submissions, int batches, TimeSpan steady)
    {
        var dataDir = Directory.CreateTempSubdirectory("dkube-bench-api-").FullName;
        await using var tenant = await OneTenantServer.StartAsync(dataDir, 21112, 32001);
        var (server, grains, http) = (tenant.Server, tenant.Grains, tenant.Client);
        Console.WriteLine($"DKube.Orleans API figures: {Environment.ProcessorCount} cores, {Connections} connections, embedded PostgreSQL");

        var healthz = await ClosedLoopAsync(20_000, _ => SendAsync(http, HttpMethod.Get, "/healthz"));
        Console.WriteLine(healthz.Latencies.Report("GET /healthz (ceiling)", healthz.Wall));

        var database = server.App.Services.GetRequiredService<NpgsqlDataSource>();
        var beforePosts = await DatabaseWork.ReadAsync(database);
        var ids = new string[submissions];
        var posts = await ClosedLoopAsync(submissions, async i =>
        {
            using var response = await http.PostAsJsonAsync("/api/v1/runs", OneTenantServer.RunSpec("p", i));
            response.EnsureSuccessStatusCode();
            ids[i] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        });
        Console.WriteLine(posts.Latencies.Report("POST /runs (0-GPU true)", posts.Wall));
        var beforeBatches = await DatabaseWork.ReadAsync(database);
        Console.WriteLine($"{"  PostgreSQL per run accepted (POST /runs)",-52} {(beforeBatches - beforePosts).Per(submissions)}");

        var batch = new Latencies();
        var batchWall = Stopwatch.StartNew();
        var batched = 0;
        for (var b = 0; b < batches; b++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync("/api/v1/runs:batch", new { runs = Enumerable.Range(0, 1_000).Select(i => OneTenantServer.RunSpec($"b{b}-", i)) });
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                Console.WriteLine($"{"POST /runs:batch (1,000 specs)",-52} not served by this build");
                break;
            }

            response.EnsureSuccessStatusCode();
            var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
            batched += items.EnumerateArray().Count(i => i.GetProperty("status").GetInt32() == 201);
            batch.Add(Stopwatch.GetElapsedTime(start));
        }

        if (batched > 0)
        {
            Console.WriteLine(batch.Report("POST /runs:batch (1,000 specs; per batch)", batchWall.Elapsed) +
                              $"  => {batched / batchWall.Elapsed.TotalSeconds:F0} runs/s");
            Console.WriteLine($"{"  PostgreSQL per run accepted (batches)",-52} {(await DatabaseWork.ReadAsync(database) - beforeBatches).Per(batched)}");
        }

        var point = await OpenLoop.RunAsync(2_000, steady, i => SendAsync(http, HttpMethod.Get, $"/api/v1/runs/{ids[i % ids.Length]}"));
        Console.WriteLine(point.Latencies.Report("GET /runs/{id} at 2,000 req/s offered", point.Wall));
        var list = await OpenLoop.RunAsync(1_000, steady, _ => SendAsync(http, HttpMethod.Get, "/api/v1/runs?scope=mine"));
        Console.WriteLine(list.Latencies.Report("GET /runs?scope=mine at 1,000 req/s offered", list.Wall));
        return 0;
    }

    /// <summary>
    /// Commits and WAL fsyncs so far (what a durable acceptance costs), read after a pause so the
    /// backends have reported their counts (PostgreSQL flushes statistics about once a second).
    /// </summary>
    private static async Task SendAsync(HttpClient http, HttpMethod method, string path)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, path));
        response.EnsureSuccessStatusCode();
    }

    /// <summary><see cref="Connections"/> workers, each sending its next request when the last one answered.</summary>
    private static Task<(Latencies Latencies, TimeSpan Wall)> ClosedLoopAsync(int count, Func<int, Task> operation) =>
        ClosedLoop.RunAsync(Connections, count, operation);
}
