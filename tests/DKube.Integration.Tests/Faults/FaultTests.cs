using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;
using DKube.Storage.Postgres;
using Xunit.Abstractions;

namespace DKube.Integration.Tests.Faults;

/// <summary>
/// What the README's "Several silos on one database" promises, tried as a user would: three silo
/// processes and an API-only process on a PostgreSQL of the test's own, a local cluster of 8 GPUs,
/// four users submitting 1-GPU runs with idempotency keys (a 503 is sent again with the same key).
/// The silo hosting the cluster's agent is SIGKILLed and a new silo started, twice, then PostgreSQL
/// is stopped for 10 s. Every acknowledged run ends Complete (a start caught by a silo's death is
/// retried, never an Error), no GPU is held by two live processes at once (from the processes' own
/// environment), nothing answers 500 or hangs, and the fault-to-recovery figures are printed.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private const string Cluster = "work";
    private const string Group = "load";
    private const int NodeGpus = 4;
    private const int PoolGpus = 2 * NodeGpus;
    private const int Users = 4;
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(60);
    private static readonly string[] Final = ["Complete", "Failed", "Stopped", "Error"];

    [Fact]
    public async Task Silo_kills_and_a_database_outage_under_keyed_load_end_every_acknowledged_run_Complete_and_give_no_gpu_twice()
    {
        var pgRoot = Path.Combine(Path.GetTempPath(), $"dkube-fault-pg-{Guid.NewGuid():N}");
        await using var pg = await EmbeddedPostgres.StartAsync(pgRoot);
        // The silos share one data folder, as silos on one machine do: whichever silo hosts the
        // cluster's agent after a kill can adopt the local processes the dead one started.
        var dataDir = ServerHandle.NewDataDir();
        var clock = Stopwatch.StartNew();
        try
        {
            await using var processes = new ProcessCluster(pg.ConnectionStringFor("dkube"));
            // What the README says every process shares: the database and cluster id (ProcessCluster
            // sets them), the operator token (idem), the secrets key, and for silos of an execution
            // cluster its name. The reconciler keeps its default period: recovery must not need it.
            var shared = new Dictionary<string, string>
            {
                ["DATA_DIR"] = dataDir,
                ["SILO_CLUSTER"] = Cluster,
                ["SECRETS_KEY"] = Convert.ToBase64String(new byte[32]),
                // The test reads every acknowledged run's view again and again while it drains (a
                // monitor's load, not a tenant's): the per-caller read rate must not refuse it.
                ["RATE_READS_PER_SECOND"] = "100000",
            };
            (string Port, ServerProcess Process) StartSilo()
            {
                var port = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
                return (port, processes.Start("silo", new Dictionary<string, string>(shared) { ["SILO_PORT"] = port }));
            }

            var silos = Enumerable.Range(0, 3).Select(_ => StartSilo()).ToList();
            // Started together: the order does not matter (the API waits for the first silo).
            var api = processes.Start("api", shared);
            await Task.WhenAll(silos.Select(s => s.Process.WaitHealthyAsync(TimeSpan.FromSeconds(120))).Append(api.WaitHealthyAsync(TimeSpan.FromSeconds(240))));
            using var op = new ApiClient(api.Url, ServerHandle.OperatorToken);
            using var printSilos = new OnFailure(() =>
            {
                foreach (var silo in processes.Processes)
                {
                    output.WriteLine($"process {silo.Pid}:\n{silo.Output}");
                }
            });
            await ProcessCluster.WaitReadyAsync(op, silos: 3, TimeSpan.FromSeconds(240));
            output.WriteLine($"Three silos and the API ready after {clock.Elapsed.TotalSeconds:F0} s.");

            // Set-up calls may meet a silo that is still settling in (503): retry them; a retry of a
            // create that did land answers 409.
            await SetUpAsync(() => op.Post("clusters", new
            {
                name = Cluster,
                kind = "local",
                nodes = new[] { new { name = "n1", gpus = NodeGpus, cpus = 8, memoryGiB = 8 }, new { name = "n2", gpus = NodeGpus, cpus = 8, memoryGiB = 8 } },
            }));
            await SetUpAsync(() => op.Post("groups", new { name = Group, gpus = PoolGpus, clusters = new[] { Cluster } }));
            var users = new List<ApiClient>();
            for (var i = 0; i < Users; i++)
            {
                var token = (await SetUpAsync(() => op.Post("users", new { name = $"user{i}" })))["token"];
                await SetUpAsync(() => op.Put($"groups/{Group}/members/user{i}"));
                users.Add(op.As(token));
            }

            var reader = users[0];
            var loads = users.Select(u => new SubmissionLoad(u, new { name = "tick", kind = "training", group = Group, gpus = 1, command = "sleep 2" },
                TimeSpan.FromMilliseconds(1200), idempotencyKeys: true)).ToList();
            var figures = new List<string>();
            // A replacement silo joins in the background: the next fault does not wait for it.
            var joins = new List<Task<string>>();
            IReadOnlyCollection<string> Acknowledged() => loads.SelectMany(l => l.Acknowledged).ToList();
            DateTime LastCreated() => loads.Max(l => l.LastCreated);
            try
            {
                async Task UnderLoadAsync(int more)
                {
                    var target = Acknowledged().Count + more;
                    await Eventually.Until(() => Task.FromResult(Acknowledged().Count), n => n >= target, TimeSpan.FromSeconds(90), $"{more} more submissions acknowledged");
                }

                await UnderLoadAsync(12);
                await AssertNoGpuTwiceAsync(reader, op, Acknowledged(), dataDir, "before the faults");

                for (var kill = 1; kill <= 2; kill++)
                {
                    if (kill > 1)
                    {
                        await UnderLoadAsync(12);
                    }

                    // Kill the silo that hosts the cluster's agent: the starts and stops it had in
                    // flight die with it, and its local processes lose their watcher.
                    var agentSilo = (await Eventually.Until(() => op.Get($"clusters/{Cluster}"), r => r.Status == HttpStatusCode.OK && r.Json["agentSilo"] is not null,
                        TimeSpan.FromSeconds(60), "the agent's silo"))["agentSilo"];
                    var victim = silos.Single(s => agentSilo.Contains($":{s.Port}:", StringComparison.Ordinal));
                    var inFlight = (await ViewsAsync(reader, Acknowledged()))
                        .Where(v => v.Value["status"]!.ToString() is "Starting" or "Running").ToDictionary(v => v.Key, v => v.Value["status"]!.ToString());
                    victim.Process.KillHard();
                    var killedAt = DateTime.UtcNow;
                    silos.Remove(victim);
                    var serving = await TimeUntilServingAsync(reader, LastCreated, killedAt);
                    // Every run it had in flight is picked up again: the starts started, the running adopted.
                    var (_, pickedUp) = await Eventually.Until(async () =>
                    {
                        var views = await ViewsAsync(reader, inFlight.Keys.ToList());
                        return (Waiting: views.Values.Count(v => v["status"]!.ToString() is "Starting"), At: DateTime.UtcNow);
                    }, w => w.Waiting == 0, RecoveryBound, "the dead agent's starts picked up again");
                    var replacement = StartSilo();
                    silos.Add(replacement);
                    var (number, startedAt) = (kill, DateTime.UtcNow);
                    joins.Add(Task.Run(async () =>
                    {
                        await replacement.Process.WaitHealthyAsync(TimeSpan.FromSeconds(180));
                        return $"replacement silo {number} serving {(DateTime.UtcNow - startedAt).TotalSeconds:F1} s after its start";
                    }));
                    var figure = $"kill {kill} (agent's silo, {inFlight.Count} runs starting or running on it): next submission accepted after " +
                                 $"{serving.TotalSeconds:F1} s, its in-flight starts picked up after {(pickedUp - killedAt).TotalSeconds:F1} s";
                    figures.Add(figure);
                    output.WriteLine(figure);
                    await AssertNoGpuTwiceAsync(reader, op, Acknowledged(), dataDir, $"after kill {kill}");
                }

                // A silo that is starting needs the database to join (one that cannot reach it exits,
                // for its supervisor to start it again): the replacements are in before the outage.
                figures.AddRange(await Task.WhenAll(joins));
                joins.Clear();

                // PostgreSQL goes away under load for 10 s and comes back on the same port.
                await pg.SuspendAsync();
                var downAt = DateTime.UtcNow;
                await Task.Delay(TimeSpan.FromSeconds(5));
                var whileDown = await reader.Get($"runs/{Acknowledged().First()}");
                Assert.True(whileDown.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"While the database is down: {whileDown}");
                (await reader.Get("runs")).ExpectProblem(HttpStatusCode.ServiceUnavailable);
                await Task.Delay(TimeSpan.FromSeconds(5));
                await pg.ResumeAsync();
                var upAt = DateTime.UtcNow;
                var dbRecovery = await TimeUntilServingAsync(reader, LastCreated, upAt);
                var dbFigure = $"PostgreSQL down {(upAt - downAt).TotalSeconds:F1} s: next submission accepted {dbRecovery.TotalSeconds:F1} s after it was back";
                figures.Add(dbFigure);
                output.WriteLine(dbFigure);
                await Task.Delay(TimeSpan.FromSeconds(4));
            }
            finally
            {
                foreach (var load in loads)
                {
                    await load.DisposeAsync();
                }
            }

            figures.AddRange(await Task.WhenAll(joins));
            await ProcessCluster.WaitReadyAsync(op, silos: 3, TimeSpan.FromSeconds(120));
            var answers = loads.SelectMany(l => l.Answers).GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Sum(a => a.Value));
            var ids = Acknowledged().ToList();
            output.WriteLine($"Answers: {string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}"))}; {ids.Count} acknowledged.");
            var violations = loads.SelectMany(l => l.Violations).ToList();
            Assert.True(violations.Count == 0, "Answers no fault may produce:\n" + string.Join('\n', violations));
            Assert.Equal(ids.Count, ids.Distinct().Count());

            // Every acknowledged run ends, and Complete: none was failed by a fault.
            var drained = Stopwatch.StartNew();
            var (_, views) = await Eventually.Until(async () =>
            {
                var current = await ViewsAsync(reader, ids);
                await AssertNoGpuSharedAsync(GpusHeld(current), async () => GpusHeld(await ViewsAsync(reader, ids)), "unfinished runs", "while draining");
                await AssertNoGpuSharedAsync(RunProcesses.LiveGpus(dataDir), () => Task.FromResult(RunProcesses.LiveGpus(dataDir)), "live run processes", "while draining");
                var unfinished = current.Values.Where(r => !Final.Contains(r["status"]!.ToString()))
                    .Select(r => $"{r["id"]} {r["status"]} ({r["reason"]}) on {r["allocation"]?.ToJsonString()}");
                return (Unfinished: string.Join("; ", unfinished), Views: current);
            }, v => v.Unfinished.Length == 0, TimeSpan.FromSeconds(120), "every acknowledged run final");
            var outcomes = views.Values.GroupBy(v => v["status"]!.ToString()).ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine($"All {ids.Count} acknowledged runs ended {drained.Elapsed.TotalSeconds:F0} s after the load stopped: " +
                             string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
            var notComplete = views.Values.Where(v => v["status"]!.ToString() != "Complete").Select(v => $"{v["id"]} {v["status"]}: {v["reason"]}").ToList();
            Assert.True(notComplete.Count == 0, "Acknowledged runs that did not complete:\n" + string.Join('\n', notComplete));

            // No GPU is lost: the pool's and the cluster's books come back to nothing held. A run
            // stored by a POST answered 503 and never sent again is not acknowledged and may be
            // admitted late: the reconciler (default period 60 s) sweeps such strays.
            var books = await Eventually.Until(async () =>
            {
                var pool = (await reader.Get($"groups/{Group}/pool")).Json;
                var cluster = (await op.Get($"clusters/{Cluster}")).Json;
                return (Pool: pool["used"]!.GetValue<int>(), Cluster: cluster["usedGpus"]!.GetValue<int>(), Running: pool["running"]?.ToJsonString());
            }, b => b.Cluster == 0 && b.Pool == 0, TimeSpan.FromSeconds(150), "the books empty");
            output.WriteLine($"Books at the end: pool {books.Pool}, cluster {books.Cluster}. The whole test took {clock.Elapsed.TotalSeconds:F0} s.");
            output.WriteLine("FIGURES: " + string.Join(" | ", figures));
            printSilos.Succeeded();
            foreach (var user in users)
            {
                user.Dispose();
            }
        }
        finally
        {
            RunProcesses.KillAll(dataDir);
            await pg.DisposeAsync();
            SharedPostgres.TryDelete(pgRoot);
        }
    }

    private static async Task<Reply> SetUpAsync(Func<Task<Reply>> call)
    {
        var reply = await Eventually.Until(call, r => r.Status != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60), "set-up call");
        Assert.True(reply.Status is HttpStatusCode.Created or HttpStatusCode.OK, $"Set-up call answered {reply}");
        return reply;
    }

    /// <summary>Time from <paramref name="since"/> until a submission is acknowledged again.</summary>
    private static async Task<TimeSpan> TimeUntilServingAsync(ApiClient user, Func<DateTime> lastCreated, DateTime since)
    {
        var deadline = since + RecoveryBound + TimeSpan.FromSeconds(30);
        while (lastCreated() <= since && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(lastCreated() > since, $"No submission was acknowledged within {deadline - since} after {since:O}.");

        // The answer to a point read of the pool must also come back.
        await Eventually.Until(() => user.Get($"groups/{Group}/pool"), r => r.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "pool readable");
        return lastCreated() - since;
    }

    private async Task AssertNoGpuTwiceAsync(ApiClient user, ApiClient op, IReadOnlyCollection<string> ids, string dataDir, string when)
    {
        var held = GpusHeld(await ViewsAsync(user, ids));
        await AssertNoGpuSharedAsync(held, async () => GpusHeld(await ViewsAsync(user, ids)), "unfinished runs", when);
        var processes = RunProcesses.LiveGpus(dataDir);
        await AssertNoGpuSharedAsync(processes, () => Task.FromResult(RunProcesses.LiveGpus(dataDir)), "live run processes", when);
        var used = (await user.Get($"groups/{Group}/pool")).Json["used"]!.GetValue<int>();
        var clusterUsed = (await op.Get($"clusters/{Cluster}")).Json["usedGpus"]!.GetValue<int>();
        output.WriteLine($"{when}: {ids.Count} acknowledged, {held.Values.Sum(g => g.Count)} GPUs held by unfinished runs, " +
                         $"{processes.Count} live run processes on {processes.Values.Sum(g => g.Count)} GPUs, pool used {used}, cluster used {clusterUsed}.");
        Assert.InRange(used, 0, PoolGpus);
        Assert.InRange(clusterUsed, 0, PoolGpus);
    }

    /// <summary>
    /// No GPU is held by two holders at once. A snapshot taken by many reads is not atomic (a run
    /// seen Running may have ended before the next one took its GPU), so a pair seen sharing is
    /// looked at again: a holder still holding at the second look held the GPU all along since the
    /// first, so a pair seen sharing twice did share at one moment.
    /// </summary>
    private static async Task AssertNoGpuSharedAsync(
        IReadOnlyDictionary<string, IReadOnlyList<string>> holdings, Func<Task<IReadOnlyDictionary<string, IReadOnlyList<string>>>> lookAgain,
        string holders, string when)
    {
        var suspects = Sharing(holdings);
        if (suspects.Count > 0)
        {
            var confirmed = Sharing(await lookAgain()).Intersect(suspects).ToList();
            Assert.True(confirmed.Count == 0, $"{when}: {holders} share GPUs: {string.Join("; ", confirmed)}");
        }
    }

    /// <summary>Each GPU with more than one holder, as "gpu: holder, holder" (holders in order).</summary>
    private static HashSet<string> Sharing(IReadOnlyDictionary<string, IReadOnlyList<string>> holdings) =>
        holdings.SelectMany(h => h.Value.Select(gpu => (Gpu: gpu, Holder: h.Key)))
            .GroupBy(x => x.Gpu)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(x => x.Holder).Order(StringComparer.Ordinal))}")
            .ToHashSet();

    /// <summary>The cluster/node/GPU triples each unfinished run holds.</summary>
    private static IReadOnlyDictionary<string, IReadOnlyList<string>> GpusHeld(IReadOnlyDictionary<string, JsonNode> views) =>
        views.Values
            .Where(v => !Final.Contains(v["status"]!.ToString()) && v["allocation"] is JsonObject)
            .ToDictionary(
                v => v["id"]!.ToString(),
                v => (IReadOnlyList<string>)v["allocation"]!["workers"]!.AsArray()
                    .SelectMany(w => w!["gpus"]!.AsArray().Select(gpu => $"{v["allocation"]!["cluster"]}/{w["node"]}/{gpu}"))
                    .ToList());

    /// <summary>Every id's current view; each must answer 200 (an acknowledged run never disappears).</summary>
    private static async Task<IReadOnlyDictionary<string, JsonNode>> ViewsAsync(ApiClient user, IReadOnlyCollection<string> ids)
    {
        var views = new Dictionary<string, JsonNode>();
        foreach (var chunk in ids.Chunk(8))
        {
            var replies = await Task.WhenAll(chunk.Select(id => user.Get($"runs/{id}")));
            foreach (var (id, reply) in chunk.Zip(replies))
            {
                views[id] = reply.Expect(HttpStatusCode.OK).Json;
            }
        }

        return views;
    }
}
