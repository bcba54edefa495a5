using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Pools;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Benchmarks;
using DKube.Benchmarks.Admission;
using DKube.Server;
using Microsoft.Extensions.DependencyInjection;

// Admission benchmark: submits runs across G groups and prints admissions per second and the
// submit-to-admit latency (p50/p99), for G = 1 and G = 100, at three depths:
//   pool      IGroupPoolGrain.Submit and Release (the admission point, with its state writes);
//   workload  IWorkloadGrain.Create: persistence, read model, pool, cluster reservation, process start;
//   http      POST /api/v1/runs through the real HTTP front.
// Usage: dotnet run -c Release --project benchmarks/DKube.Benchmarks.Admission [poolN] [workloadN] [httpN]
//        dotnet run -c Release --project benchmarks/DKube.Benchmarks.Admission api [submissions] [batches] [steadySeconds]
//          every HTTP figure of issue 10 side by side with its goal, on the acceptance-only setup (runs queued, none executing), each
//          phase with what bounds it: runtime counters, top statements, grain calls, CPU (see ApiFigures).
//        dotnet run -c Release --project benchmarks/DKube.Benchmarks.Admission tenants [phaseSeconds]
//          tenant B's latency alone and while tenant A floods POST /runs, and A's share of 429s (see TenantFigures).
//        dotnet run -c Release --project benchmarks/DKube.Benchmarks.Admission profile [requests] [batchSize]
//          per request of POST /runs, runs:batch, GET /runs/{id}, GET /runs: commits, statements, grain calls, allocations, execs (see ProfileFigures).
//        dotnet run -c Release --project benchmarks/DKube.Benchmarks.Admission accept [submissions] [batches] [batchSize]
//          acceptance alone: 1-GPU runs queued behind a held pool (never executed), POST /runs and runs:batch, per run (see AcceptFigures).
//        dotnet run -c Release --project benchmarks/DKube.Benchmarks.Admission queue [operations]
//          the pool grain with 1k, 10k, 100k waiting: us per stored submit and release, bytes per write, activation (see QueueCurve).
//        dotnet run -c Release --project benchmarks/DKube.Benchmarks.Admission local [runs] [concurrency]
//          local process starts per second straight through the LocalExecutor, beside `sh -c true` (see LocalStarts).
if (args.Length > 0 && args[0] == "accept")
{
    return await AcceptFigures.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 5_000, args.Length > 2 ? int.Parse(args[2]) : 5, args.Length > 3 ? int.Parse(args[3]) : 1_000);
}

if (args.Length > 0 && args[0] == "profile")
{
    return await ProfileFigures.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 1_000, args.Length > 2 ? int.Parse(args[2]) : 1_000);
}

if (args.Length > 0 && args[0] == "queue")
{
    return await QueueCurve.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 500);
}

if (args.Length > 0 && args[0] == "local")
{
    return await LocalStarts.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 2_000, args.Length > 2 ? int.Parse(args[2]) : 32);
}

if (args.Length > 0 && args[0] == "tenants")
{
    return await TenantFigures.RunAsync(TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1]) : 20));
}

if (args.Length > 0 && args[0] == "api")
{
    return await ApiFigures.RunAsync(
        args.Length > 1 ? int.Parse(args[1]) : 5_000, args.Length > 2 ? int.Parse(args[2]) : 5, TimeSpan.FromSeconds(args.Length > 3 ? int.Parse(args[3]) : 10));
}

var poolN = args.Length > 0 ? int.Parse(args[0]) : 5_000;
var workloadN = args.Length > 1 ? int.Parse(args[1]) : 1_000;
var httpN = args.Length > 2 ? int.Parse(args[2]) : 500;
const int Concurrency = 64;

var dataDir = Directory.CreateTempSubdirectory("dkube-bench-").FullName;
await using var server = await DKubeServer.StartAsync(
    ["--urls=http://127.0.0.1:0", $"--DATA_DIR={dataDir}", "--Logging:LogLevel:Default=Warning", "--SILO_PORT=21111", "--GATEWAY_PORT=32000",
     // One user at the machine's limit is what the per-caller rate limits refuse: this measures capacity, so they are lifted.
     "--RATE_READS_PER_SECOND=1000000", "--RATE_WRITES_PER_SECOND=1000000"], TextWriter.Null);
var grains = server.App.Services.GetRequiredService<IGrainFactory>();
Console.WriteLine($"DKube.Orleans admission benchmark: {Environment.ProcessorCount} cores, concurrency {Concurrency}");

// A cluster large enough that nothing queues: this measures the admission path, not waiting.
var nodes = Enumerable.Range(0, 64).Select(i => new NodeInfo($"n{i}", 1024, 64, 512, [])).ToList();
await grains.GetGrain<IClusterGrain>("bench").Register(new ClusterSpec("bench", ClusterKind.Local, nodes, new Dictionary<string, string>()));

foreach (var groups in new[] { 1, 100 })
{
    var names = Enumerable.Range(0, groups).Select(g => $"bench-{groups}-{g}").ToList();
    foreach (var name in names)
    {
        await grains.GetGrain<IGroupGrain>(name).Create(1_000_000, ["bench"], QueuePolicy.BestEffortFifo, null);
    }

    // Each operation is one admission and its release, so what runs stays bounded as in a real
    // pool (the pool persists its running set and queue on every turn).
    var pool = await MeasureAsync(poolN, async i =>
    {
        var group = grains.GetGrain<IGroupPoolGrain>(names[i % groups]);
        var id = "p" + groups.ToString(CultureInfo.InvariantCulture) + "-" + i.ToString(CultureInfo.InvariantCulture);
        await group.Submit(new PoolRequest(id, "training", "bench", 1, 0, DistributionMode.Auto, [], false, TimeSpan.FromHours(1), null));
        await group.Release(id);
    });
    Console.WriteLine(pool.Latencies.Report($"pool     G={groups}", pool.Wall));

    var workload = await MeasureAsync(workloadN, i =>
        grains.GetGrain<IWorkloadGrain>("r-b" + groups.ToString("D3", CultureInfo.InvariantCulture) + i.ToString("D8", CultureInfo.InvariantCulture)).Create(WorkloadType.Run, Spec(names[i % groups], i), "bench", null, null));
    Console.WriteLine(workload.Latencies.Report($"workload G={groups}", workload.Wall));
}

// HTTP: one tenant, runs of `true` on the local executor.
using var http = new HttpClient { BaseAddress = server.Url };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.OperatorToken);
await grains.GetGrain<IGroupGrain>("bench-http").Create(1_000_000, ["bench"], null, null);
var userToken = await grains.GetGrain<IUserGrain>("bench-user").Create([Roles.DataScientist]);
await grains.GetGrain<IGroupGrain>("bench-http").AddMember("bench-user");
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
var overHttp = await MeasureAsync(httpN, async i =>
{
    using var response = await http.PostAsJsonAsync("/api/v1/runs", new { name = $"h{i}", kind = "training", command = "true", gpus = 1, group = "bench-http" });
    response.EnsureSuccessStatusCode();
});
Console.WriteLine(overHttp.Latencies.Report("http     G=1 (POST /runs)", overHttp.Wall));
Console.WriteLine($"process working set after the runs: {Process.GetCurrentProcess().WorkingSet64 / (1 << 20)} MiB");
return 0;

static WorkloadSpec Spec(string group, int i) => new($"b{i}", "training", group, null, null, null, "true", [], null,
    new Dictionary<string, string>(), 1, false, null, null, [], TimeSpan.FromHours(1), new Dictionary<string, string>());

static Task<(Latencies Latencies, TimeSpan Wall)> MeasureAsync(int count, Func<int, Task> operation) =>
    ClosedLoop.RunAsync(Concurrency, count, operation);
