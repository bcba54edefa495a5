using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Tenancy;
using DKube.Benchmarks.Serving;
using DKube.Server;
using Microsoft.Extensions.DependencyInjection;

// Replicas are local processes with Unix file modes: this harness runs where the server does.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]

// One command: dotnet run -c Release --project benchmarks/DKube.Benchmarks.Serving [rate] [part ...]
// (rate: requests a second of the overhead figure, 1000 unless given; the achieved rate is printed
// beside it, and the machine's load average beside every figure; parts: any of overhead, scale,
// cold, change, all of them unless given, e.g. `scale` alone to measure the reaction to a load step).
// A co-hosted server (embedded PostgreSQL) with short autoscaler windows (6 s stable, 1 s panic,
// 2 s scale-to-zero grace); replicas are a keep-alive Python HTTP server (custom runtime).
var dataDir = Directory.CreateTempSubdirectory("dkube-bench-serving-").FullName;
// Outside the data folder (private to the server): replicas run as accounts of their own and must read it.
var shared = Directory.CreateTempSubdirectory("dkube-bench-replica-").FullName;
File.SetUnixFileMode(shared, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
    | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
var serverPy = Path.Combine(shared, "replica.py");
await File.WriteAllTextAsync(serverPy, Replica.Python);
File.SetUnixFileMode(serverPy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
await using var server = await DKubeServer.StartAsync(
    ["--urls=http://127.0.0.1:0", $"--DATA_DIR={dataDir}", "--Logging:LogLevel:Default=Error", "--SILO_PORT=21132", "--GATEWAY_PORT=32021",
     "--RATE_READS_PER_SECOND=1000000", "--RATE_WRITES_PER_SECOND=1000000", "--RATE_INFERENCE_PER_SECOND=1000000", "--SERVING_STABLE_WINDOW_SECONDS=6",
     "--SERVING_SCALE_TO_ZERO_GRACE_SECONDS=2", "--SERVING_DRAIN_SECONDS=2"], TextWriter.Null);
var grains = server.App.Services.GetRequiredService<IGrainFactory>();
await grains.GetGrain<IClusterGrain>("bench").Register(new ClusterSpec("bench", ClusterKind.Local, [new NodeInfo("n0", 8, 64, 512, [])], new Dictionary<string, string>()));
await grains.GetGrain<IGroupGrain>("bench-serving").Create(8, ["bench"], null, null);
var token = await grains.GetGrain<IUserGrain>("bench-serving-user").Create([Roles.DataScientist]);
await grains.GetGrain<IGroupGrain>("bench-serving").AddMember("bench-serving-user");
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(3) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
var api = new Api(http);

Console.WriteLine($"DKube.Orleans serving figures: {Environment.ProcessorCount} cores (shared, loaded machine: one take, read as indications)");
var model = await api.ModelAsync("bench-model", versions: 2);
var command = $"exec /usr/bin/python3 {serverPy}";

var rate = args.Length > 0 && int.TryParse(args[0], System.Globalization.CultureInfo.InvariantCulture, out var asked) ? asked : 1000;
var parts = args.Where(a => !int.TryParse(a, System.Globalization.CultureInfo.InvariantCulture, out _)).ToHashSet(StringComparer.OrdinalIgnoreCase);
var clock = new Stopwatch();
foreach (var (part, run) in new (string, Func<Task>)[] { ("overhead", OverheadAsync), ("scale", ScaleAsync), ("cold", ColdStartAsync), ("change", ModelChangeAsync) })
{
    if (parts.Count == 0 || parts.Contains(part))
    {
        await run();
    }
}

return 0;

// 1. Gateway overhead at the rate asked (1,000 req/s): the same replica through /serve and straight,
// each after a second of warm-up (connections open), the two interleaved twice so that a change of
// the machine's load hits both alike.
async Task OverheadAsync()
{
    var steady = await api.DeployAsync("overhead", model, command, min: 1, max: 1, maxConcurrent: 1000);
    var replicaUrl = (await api.GetAsync($"deployments/{steady}")).GetProperty("replicaList")[0].GetProperty("url").GetString()!;
    using var direct = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 });
    Func<Task<HttpResponseMessage>> toReplica = () => direct.GetAsync(replicaUrl + "/p");
    Func<Task<HttpResponseMessage>> toGateway = () => http.GetAsync($"/serve/{steady}/p");
    await Load.OpenLoopAsync(rate, TimeSpan.FromSeconds(1), toReplica);
    await Load.OpenLoopAsync(rate, TimeSpan.FromSeconds(1), toGateway);
    Console.WriteLine($"{$"overhead @{rate} req/s",-40} {"p50 ms",10} {"p95 ms",10} {"failed",8} {"achieved/s",11} {"load",6}");
    var (straightP50, throughP50, straightP95, throughP95) = (0.0, 0.0, 0.0, 0.0);
    for (var round = 1; round <= 2; round++)
    {
        var straight = await Load.OpenLoopAsync(rate, TimeSpan.FromSeconds(5), toReplica);
        var straightLoad = Load.LoadAverage();
        var through = await Load.OpenLoopAsync(rate, TimeSpan.FromSeconds(5), toGateway);
        Console.WriteLine($"{$"  straight to the replica ({round})",-40} {straight.Latencies.Percentile(0.50),10:F2} {straight.Latencies.Percentile(0.95),10:F2} {straight.Failed,8} " +
            $"{straight.Latencies.Count / straight.Wall.TotalSeconds,11:F0} {straightLoad,6}");
        Console.WriteLine($"{$"  through /serve ({round})",-40} {through.Latencies.Percentile(0.50),10:F2} {through.Latencies.Percentile(0.95),10:F2} {through.Failed,8} " +
            $"{through.Latencies.Count / through.Wall.TotalSeconds,11:F0} {Load.LoadAverage(),6}");
        (straightP50, throughP50, straightP95, throughP95) = (straightP50 + straight.Latencies.Percentile(0.50) / 2, throughP50 + through.Latencies.Percentile(0.50) / 2,
            straightP95 + straight.Latencies.Percentile(0.95) / 2, throughP95 + through.Latencies.Percentile(0.95) / 2);
    }

    Console.WriteLine($"{"  gateway overhead (mean of the rounds)",-40} {throughP50 - straightP50,10:F2} {throughP95 - straightP95,10:F2}");
}

// 2. Step from 1 to 50 closed-loop clients (target 10 per replica): time to the decision, to the new replicas serving.
async Task ScaleAsync()
{
    var step = await api.DeployAsync("step", model, command + " 0.05", min: 1, max: 5, maxConcurrent: 10);
    using (var one = Load.Closed(1, () => http.GetAsync($"/serve/{step}/p")))
    {
        await Task.Delay(TimeSpan.FromSeconds(3));
    }

    clock.Restart();
    using (var fifty = Load.Closed(50, () => http.GetAsync($"/serve/{step}/p")))
    {
        var decided = await api.UntilAsync(step, d => d.GetProperty("replicas").GetProperty("desired").GetInt32() > 1);
        var decisionAt = clock.Elapsed;
        await api.UntilAsync(step, d => d.GetProperty("replicas").GetProperty("ready").GetInt32() >= decided.GetProperty("replicas").GetProperty("desired").GetInt32());
        Console.WriteLine($"{"step 1 -> 50 clients",-40} decision {decisionAt.TotalSeconds,6:F2} s, new replicas serving {clock.Elapsed.TotalSeconds,6:F2} s " +
            $"({decided.GetProperty("replicas").GetProperty("desired").GetInt32()} replicas), load {Load.LoadAverage()}");
    }
}

// 3. Cold start: a deployment at zero replicas, one request.
async Task ColdStartAsync()
{
    var cold = await api.DeployAsync("cold", model, command, min: 0, max: 1, maxConcurrent: 10);
    await api.UntilAsync(cold, d => d.GetProperty("replicas").GetProperty("ready").GetInt32() == 0 && d.GetProperty("replicaList").GetArrayLength() == 0);
    clock.Restart();
    using (var first = await http.GetAsync($"/serve/{cold}/p"))
    {
        Console.WriteLine($"{"cold start from zero to the first answer",-40} {clock.Elapsed.TotalSeconds,6:F2} s ({(int)first.StatusCode}), load {Load.LoadAverage()}");
    }
}

// 4. A model change under 200 req/s: requests failed.
async Task ModelChangeAsync()
{
    var change = await api.DeployAsync("change", model, command, min: 2, max: 2, maxConcurrent: 100);
    var changing = Load.OpenLoopAsync(200, TimeSpan.FromSeconds(25), () => http.GetAsync($"/serve/{change}/p"));
    await Task.Delay(TimeSpan.FromSeconds(3));
    await api.PatchAsync($"deployments/{change}", new { model = new { name = "bench-model", version = 2 } });
    await api.UntilAsync(change, d => d.GetProperty("status").GetString() == "Running"
        && d.GetProperty("replicaList").EnumerateArray().All(r => r.GetProperty("modelVersion").GetInt32() == 2));
    var during = await changing;
    Console.WriteLine($"{"model change under 200 req/s",-40} {during.Latencies.Count} requests, {during.Failed} failed, p95 {during.Latencies.Percentile(0.95):F2} ms, " +
        $"achieved {during.Latencies.Count / during.Wall.TotalSeconds:F0}/s, load {Load.LoadAverage()}");
}
