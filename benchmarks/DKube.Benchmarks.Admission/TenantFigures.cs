using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Tenancy;
using DKube.Api.Limits;
using DKube.Server;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// The figures of issue 18, from one server with the default limits: tenant B sends 50 req/s of
/// <c>GET /runs/{id}</c> and 5 req/s of <c>POST /runs</c> (open loops), first alone, then while tenant A
/// floods <c>POST /runs</c> from <see cref="FloodConnections"/> connections (a closed loop: as fast as
/// the server answers), then A alone. Printed side by side: B's p50/p99 alone and under A's flood, and how A's
/// requests were answered (its share of 429s, its accepted rate with B and alone), with what the server
/// did meanwhile (<see cref="PhaseSampler"/>: fair-queue slots and waits per tenant, thread pool, CPU).
/// Runs are 0-GPU <c>true</c> commands.
/// </summary>
public static class TenantFigures
{
    private const int FloodConnections = 64;

    public static async Task<int> RunAsync(TimeSpan phase)
    {
        var dataDir = Directory.CreateTempSubdirectory("dkube-bench-tenants-").FullName;
        await using var server = await DKubeServer.StartAsync(
            ["--urls=http://127.0.0.1:0", $"--DATA_DIR={dataDir}", "--Logging:LogLevel:Default=Error", "--SILO_PORT=21113", "--GATEWAY_PORT=32002"], TextWriter.Null);
        var grains = server.App.Services.GetRequiredService<IGrainFactory>();
        var nodes = Enumerable.Range(0, 4).Select(i => new NodeInfo($"n{i}", 8, 64, 512, [])).ToList();
        await grains.GetGrain<IClusterGrain>("bench").Register(new ClusterSpec("bench", ClusterKind.Local, nodes, new Dictionary<string, string>()));
        using var a = await TenantAsync(grains, server.Url, "flood");
        using var b = await TenantAsync(grains, server.Url, "steady");
        Console.WriteLine($"DKube.Orleans tenant figures: {Environment.ProcessorCount} cores, default limits, {phase.TotalSeconds:F0} s per phase, " +
                          $"A floods POST /runs from {FloodConnections} connections");

        // B's runs to read, made before the clock starts.
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await SubmitAsync(b, "seed", i) ?? throw new InvalidOperationException("B's seed run was refused."));
        }

        var lanes = server.App.Services.GetRequiredService<RequestLanes>();
        var figures = new Dictionary<string, Func<double>>
        {
            ["A's write slots held"] = () => lanes.Writes.Held("flood-user"),
            ["A's writes waiting for a turn"] = () => lanes.Writes.Waiting("flood-user"),
            ["B's write slots held"] = () => lanes.Writes.Held("steady-user"),
            ["B's writes waiting for a turn"] = () => lanes.Writes.Waiting("steady-user"),
            ["B's read slots held"] = () => lanes.Reads.Held("steady-user"),
            ["B's reads waiting for a turn"] = () => lanes.Reads.Waiting("steady-user"),
        };
        await using var sampler = new PhaseSampler(figures);
        var alone = await SteadyAsync(b, ids, phase);
        var aloneFigures = await sampler.StopAsync();

        using var stop = new CancellationTokenSource();
        var answers = new ConcurrentDictionary<HttpStatusCode, int>();
        var floodClock = Stopwatch.StartNew();
        var flood = Task.WhenAll(Enumerable.Range(0, FloodConnections).Select(async worker =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await a.PostAsJsonAsync("/api/v1/runs", Spec("f" + worker.ToString(CultureInfo.InvariantCulture) + "-", i));
                    answers.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    answers.AddOrUpdate(0, 1, (_, n) => n + 1);
                }
            }
        }));
        await using var crowdedSampler = new PhaseSampler(figures);
        var acceptedBefore = answers.GetValueOrDefault(HttpStatusCode.Created);
        var crowdedClock = Stopwatch.StartNew();
        var crowded = await SteadyAsync(b, ids, phase);
        var acceptedWithB = (answers.GetValueOrDefault(HttpStatusCode.Created) - acceptedBefore) / crowdedClock.Elapsed.TotalSeconds;
        var crowdedFigures = await crowdedSampler.StopAsync();
        // A alone for comparison: what A's flood gets when B sends nothing.
        await using var floodSampler = new PhaseSampler(figures);
        acceptedBefore = answers.GetValueOrDefault(HttpStatusCode.Created);
        var floodAloneClock = Stopwatch.StartNew();
        await Task.Delay(phase);
        var acceptedAlone = (answers.GetValueOrDefault(HttpStatusCode.Created) - acceptedBefore) / floodAloneClock.Elapsed.TotalSeconds;
        var floodFigures = await floodSampler.StopAsync();
        await stop.CancelAsync();
        await flood;
        floodClock.Stop();

        Console.WriteLine($"{"B's requests",-34} {"alone p50 / p99",22} {"A flooding p50 / p99",24} {"p99 ratio",10}");
        foreach (var (name, before, during) in new[] { ("GET /runs/{id} at 50/s", alone.Reads, crowded.Reads), ("POST /runs at 5/s", alone.Writes, crowded.Writes) })
        {
            Console.WriteLine($"{name,-34} {before.Percentile(0.5),9:F2} / {before.Percentile(0.99),7:F2} ms {during.Percentile(0.5),9:F2} / {during.Percentile(0.99),7:F2} ms {during.Percentile(0.99) / before.Percentile(0.99),9:F2}x");
        }

        Console.WriteLine($"B's failures (non-2xx or no answer within 30 s): alone {alone.Failures}, A flooding {crowded.Failures}");
        Console.WriteLine($"The server while B was alone:{Environment.NewLine}{aloneFigures}");
        Console.WriteLine($"The server while A flooded:{Environment.NewLine}{crowdedFigures}");
        Console.WriteLine($"The server while A flooded alone:{Environment.NewLine}{floodFigures}");
        Console.WriteLine($"A's accepted runs (201) per second: while B sent its load {acceptedWithB:F1}/s, A alone {acceptedAlone:F1}/s");
        Console.WriteLine($"Fair queue: water level computed {lanes.Writes.ShareComputations} times for the write lane, {lanes.Reads.ShareComputations} for the read lane; " +
                          $"{lanes.Writes.Concurrency} write slots, {lanes.Reads.Concurrency} read slots");
        var total = answers.Values.Sum();
        var limited = answers.GetValueOrDefault(HttpStatusCode.TooManyRequests);
        Console.WriteLine($"A: {total} requests in {floodClock.Elapsed.TotalSeconds:F1} s ({total / floodClock.Elapsed.TotalSeconds:F0}/s), " +
                          $"429: {limited} ({100.0 * limited / Math.Max(1, total):F1}%), " +
                          $"201: {answers.GetValueOrDefault(HttpStatusCode.Created)} ({answers.GetValueOrDefault(HttpStatusCode.Created) / floodClock.Elapsed.TotalSeconds:F0}/s); " +
                          string.Join(", ", answers.OrderBy(x => x.Key).Select(x => $"{(x.Key == 0 ? "no answer" : ((int)x.Key).ToString(CultureInfo.InvariantCulture))}: {x.Value}")));
        return 0;
    }

    /// <summary>B's load for <paramref name="phase"/>: 50 reads and 5 submissions a second, both open loops.</summary>
    private static async Task<(Latencies Reads, Latencies Writes, int Failures)> SteadyAsync(HttpClient b, IReadOnlyList<string> ids, TimeSpan phase)
    {
        var failures = 0;
        // A request that fails or times out counts as a failure and is timed like the others.
        async Task CountAsync(Func<Task<HttpResponseMessage>> request)
        {
            try
            {
                using var response = await request();
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref failures);
            }
        }

        var reads = OpenLoop.RunAsync(50, phase, i => CountAsync(() => b.GetAsync($"/api/v1/runs/{ids[i % ids.Count]}")));
        var writes = OpenLoop.RunAsync(5, phase, i => CountAsync(() => b.PostAsJsonAsync("/api/v1/runs", Spec("s", i))));
        return ((await reads).Latencies, (await writes).Latencies, failures);
    }

    private static async Task<HttpClient> TenantAsync(IGrainFactory grains, Uri url, string name)
    {
        await grains.GetGrain<IGroupGrain>(name).Create(32, ["bench"], null, null);
        var token = await grains.GetGrain<IUserGrain>(name + "-user").Create([Roles.DataScientist]);
        await grains.GetGrain<IGroupGrain>(name).AddMember(name + "-user");
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = FloodConnections * 2 }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<string?> SubmitAsync(HttpClient http, string prefix, int i)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/runs", Spec(prefix, i));
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString() : null;
    }

    private static object Spec(string prefix, int i) =>
        new { name = prefix + i.ToString(CultureInfo.InvariantCulture), kind = "training", command = "true", gpus = 0 };
}
