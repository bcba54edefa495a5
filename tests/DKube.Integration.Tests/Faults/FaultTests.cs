using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;
using DKube.Storage.Postgres;
using Xunit.Abstractions;

namespace DKube.Integration.Tests.Faults;

/// <summary>
/// Three silos and an API process on a PostgreSQL of the test's own, under a steady stream of
/// 1-GPU runs: a silo is SIGKILLed, then PostgreSQL is stopped and started again. Nothing
/// acknowledged is lost, no GPU is given twice, queued work still starts, and the API answers
/// 503 (never 500, never hangs) until it recovers by itself.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private const string Cluster = "work";
    private const string Group = "load";
    private const int PoolGpus = 3;
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(60);
    private static readonly string[] Final = ["Complete", "Failed", "Stopped", "Error"];

    [Fact]
    public async Task Under_load_a_silo_kill_and_a_database_restart_lose_nothing_acknowledged_and_give_no_gpu_twice()
    {
        var pgRoot = Path.Combine(Path.GetTempPath(), $"dkube-fault-pg-{Guid.NewGuid():N}");
        await using var pg = await EmbeddedPostgres.StartAsync(pgRoot);
        // The silos share one data folder, as silos on one machine do: whichever silo hosts the
        // cluster's agent after a kill can adopt the local processes the dead one started.
        var dataDir = ServerHandle.NewDataDir();
        try
        {
            await using var processes = new ProcessCluster(pg.ConnectionStringFor("dkube"));
            var shared = new Dictionary<string, string>
            {
                ["DATA_DIR"] = dataDir,
                ["SILO_CLUSTER"] = Cluster,
                ["SECRETS_KEY"] = Convert.ToBase64String(new byte[32]),
                // A POST answered 503 may have stored its run: the reconciler must start it too.
                ["RECONCILE_SECONDS"] = "5",
            };
            var silos = Enumerable.Range(0, 3).Select(_ =>
            {
                var port = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
                return (Port: port, Process: processes.Start("silo", new Dictionary<string, string>(shared) { ["SILO_PORT"] = port }));
            }).ToList();
            await Task.WhenAll(silos.Select(s => s.Process.WaitHealthyAsync(TimeSpan.FromSeconds(120))));
            var api = processes.Start("api", shared);
            await api.WaitHealthyAsync(TimeSpan.FromSeconds(90));
            using var op = new ApiClient(api.Url, ServerHandle.OperatorToken);
            // Three silos joining one by one on a busy machine can take a while.
            try
            {
                await ProcessCluster.WaitReadyAsync(op, silos: 3, TimeSpan.FromSeconds(240));
            }
            catch
            {
                foreach (var silo in silos)
                {
                    output.WriteLine($"silo {silo.Port}:\n{silo.Process.Output}");
                }

                throw;
            }

            // Set-up calls may meet a silo that is still settling in (503): retry them; a retry of a
            // create that did land answers 409.
            await SetUpAsync(() => op.Post("clusters", new
            {
                name = Cluster,
                kind = "local",
                nodes = new[] { new { name = "n1", gpus = 2, cpus = 8, memoryGiB = 8 }, new { name = "n2", gpus = 2, cpus = 8, memoryGiB = 8 } },
            }));
            await SetUpAsync(() => op.Post("groups", new { name = Group, gpus = PoolGpus, clusters = new[] { Cluster } }));
            var token = (await SetUpAsync(() => op.Post("users", new { name = "loader" })))["token"];
            using var user = op.As(token);
            await SetUpAsync(() => op.Put($"groups/{Group}/members/loader"));

            var load = new SubmissionLoad(user, new { name = "tick", kind = "training", group = Group, gpus = 1, command = "sleep 2" }, TimeSpan.FromMilliseconds(500));
            await using (load)
            {
                await Task.Delay(TimeSpan.FromSeconds(8));
                await AssertNoGpuTwiceAsync(user, op, load.Acknowledged, dataDir, "before the kill");

                // Kill the silo that hosts the cluster's agent: its local processes lose their watcher.
                var agentSilo = (await op.Get($"clusters/{Cluster}")).Expect(HttpStatusCode.OK)["agentSilo"];
                var victim = silos.Single(s => agentSilo.Contains($":{s.Port}:", StringComparison.Ordinal));
                var queuedAtKill = (await user.Get($"groups/{Group}/pool")).Json["queue"]!.AsArray().Count;
                var watchedAtKill = (await ViewsAsync(user, load.Acknowledged))
                    .Where(v => v.Value["status"]!.ToString() is "Starting" or "Running").Select(v => v.Key).ToList();
                victim.Process.KillHard();
                var killedAt = DateTime.UtcNow;
                var siloRecovery = await TimeUntilServingAsync(user, load, killedAt);
                output.WriteLine($"SIGKILL of the agent's silo ({queuedAtKill} runs queued then): new runs accepted again after {siloRecovery.TotalSeconds:F1} s.");
                Assert.True(siloRecovery < RecoveryBound, $"API did not recover within {RecoveryBound}");
                await ProcessCluster.WaitReadyAsync(op, silos: 2);
                output.WriteLine($"The dead silo was out of the membership {(DateTime.UtcNow - killedAt).TotalSeconds:F1} s after the kill.");
                // The runs the dead agent watched are adopted by a new agent and end, with nothing
                // touching their cluster (no read of it here, no admission: their GPUs stay booked).
                await Eventually.Until(async () => (await ViewsAsync(user, watchedAtKill)).Values.All(v => Final.Contains(v["status"]!.ToString())),
                    done => done, TimeSpan.FromSeconds(60), "the dead agent's runs concluded");
                output.WriteLine($"The {watchedAtKill.Count} runs the dead silo's agent watched had ended {(DateTime.UtcNow - killedAt).TotalSeconds:F1} s after the kill.");
                await AssertNoGpuTwiceAsync(user, op, load.Acknowledged, dataDir, "after the kill");

                // PostgreSQL goes away under load and comes back on the same port.
                await pg.SuspendAsync();
                var downAt = DateTime.UtcNow;
                await Task.Delay(TimeSpan.FromSeconds(8));
                var whileDown = await user.Get($"runs/{load.Acknowledged.First()}");
                Assert.True(whileDown.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"While the database is down: {whileDown}");
                var listWhileDown = await user.Get("runs");
                listWhileDown.ExpectProblem(HttpStatusCode.ServiceUnavailable);
                await pg.ResumeAsync();
                var upAt = DateTime.UtcNow;
                var dbRecovery = await TimeUntilServingAsync(user, load, upAt);
                output.WriteLine($"PostgreSQL down {(upAt - downAt).TotalSeconds:F1} s; new runs accepted again {dbRecovery.TotalSeconds:F1} s after it was back.");
                Assert.True(dbRecovery < RecoveryBound, $"API did not recover within {RecoveryBound} after the database came back");
                await Task.Delay(TimeSpan.FromSeconds(5));
                await load.StopAsync();

                output.WriteLine($"Answers: {string.Join(", ", load.Answers.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}"))}; {load.Acknowledged.Count} acknowledged.");
                if (load.Violations.Count > 0)
                {
                    output.WriteLine("API process output:\n" + api.Output);
                }

                Assert.True(load.Violations.Count == 0, "Answers no fault may produce:\n" + string.Join('\n', load.Violations));
            }

            // Everything acknowledged still exists, and the queue drains: every run ends.
            var ids = load.Acknowledged.ToList();
            var drained = Stopwatch.StartNew();
            using var printSilos = new OnFailure(() =>
            {
                foreach (var silo in silos)
                {
                    output.WriteLine($"silo {silo.Port}:\n{silo.Process.Output}");
                }
            });
            var (_, views) = await Eventually.Until(async () =>
            {
                var current = await ViewsAsync(user, ids);
                await AssertNoGpuSharedAsync(GpusHeld(current), async () => GpusHeld(await ViewsAsync(user, ids)), "unfinished runs", "while draining");
                await AssertNoGpuSharedAsync(RunProcesses.LiveGpus(dataDir), () => Task.FromResult(RunProcesses.LiveGpus(dataDir)), "live run processes", "while draining");
                var unfinished = current.Values.Where(r => !Final.Contains(r["status"]!.ToString()))
                    .Select(r => $"{r["id"]} {r["status"]} ({r["reason"]}) on {r["allocation"]?.ToJsonString()}");
                return (Unfinished: string.Join("; ", unfinished), Views: current);
            }, v => v.Unfinished.Length == 0, TimeSpan.FromSeconds(120), "every acknowledged run final");
            var outcomes = views.Values.GroupBy(v => v["status"]!.ToString()).ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine($"All {ids.Count} acknowledged runs ended {drained.Elapsed.TotalSeconds:F0} s after the load stopped: " +
                             string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
            foreach (var failed in views.Values.Where(v => v["status"]!.ToString() != "Complete"))
            {
                output.WriteLine($"  {failed["id"]} {failed["status"]}: {failed["reason"]}");
            }

            // Every stored run ends, also one stored by a POST that was answered 503 (not
            // acknowledged, so free to exist or not; the reconciler starts it), and no GPU is lost:
            // the pool's and the cluster's books come back to nothing held.
            var books = await Eventually.Until(async () =>
            {
                var all = (await user.Get("runs?limit=500")).Expect(HttpStatusCode.OK).Items.Select(i => i!["id"]!.ToString()).ToList();
                var current = await ViewsAsync(user, all);
                var unfinished = current.Values.Where(v => !Final.Contains(v["status"]!.ToString())).ToList();
                var held = unfinished.Sum(v => v["allocation"]?["totalGpus"]?.GetValue<int>() ?? 0);
                var pool = (await user.Get($"groups/{Group}/pool")).Json;
                var cluster = (await op.Get($"clusters/{Cluster}")).Json;
                return (Pool: pool["used"]!.GetValue<int>(), Cluster: cluster["usedGpus"]!.GetValue<int>(), Held: held,
                    StoredAfter503: all.Except(ids).Select(id => $"{id} {current[id]["status"]}").ToList(),
                    Unfinished: string.Join("; ", unfinished.Select(v => $"{v["id"]} {v["status"]} acknowledged={ids.Contains(v["id"]!.ToString())}")),
                    PoolRunning: pool["running"]!.ToJsonString());
            }, b => b.Unfinished.Length == 0 && b.Cluster == 0 && b.Pool == 0, TimeSpan.FromSeconds(90), "every stored run ended and the books empty");
            output.WriteLine($"Books at the end: pool {books.Pool}, cluster {books.Cluster}, held by unfinished runs {books.Held}; " +
                             $"stored though answered 503: [{string.Join(", ", books.StoredAfter503)}]");
            printSilos.Succeeded();
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
    private static async Task<TimeSpan> TimeUntilServingAsync(ApiClient user, SubmissionLoad load, DateTime since)
    {
        var deadline = since + RecoveryBound + TimeSpan.FromSeconds(30);
        while (load.LastCreated <= since && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(load.LastCreated > since, $"No submission was acknowledged within {deadline - since} after {since:O}.");

        // The answer to a point read of the pool must also come back.
        await Eventually.Until(() => user.Get($"groups/{Group}/pool"), r => r.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "pool readable");
        return load.LastCreated - since;
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
