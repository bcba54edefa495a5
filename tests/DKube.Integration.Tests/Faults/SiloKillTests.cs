using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DKube.Integration.Tests.Faults;

/// <summary>
/// A 201 means stored: a silo SIGKILLed in the middle of a stream of submissions (its batched
/// writes in flight) and started again has every acknowledged run, each once, and each ends.
/// </summary>
public sealed class SiloKillTests(ITestOutputHelper output)
{
    private const string Cluster = "work";
    private const string Group = "stream";
    private static readonly string[] Final = ["Complete", "Failed", "Stopped", "Error"];

    [Fact]
    public Task Every_acknowledged_submission_survives_a_silo_sigkill_mid_stream_and_runs_once() =>
        StreamThroughKillAsync(groupGpus: 4, runGpus: 0, "echo ran-once", queues: false);

    /// <summary>
    /// The same with one-GPU runs through a one-GPU pool, so most acknowledged runs wait in the
    /// pool's queue (rows beside its state) when the silo dies: they are still queued after it and
    /// each runs once. No reconciler sweep during the test: only the stored queue (and the start-up
    /// recovery every silo does) brings them back.
    /// </summary>
    [Fact]
    public Task Every_acknowledged_queued_submission_is_still_queued_after_a_silo_sigkill_and_runs_once() =>
        StreamThroughKillAsync(groupGpus: 1, runGpus: 1, "sleep 0.1; echo ran-once", queues: true);

    /// <summary>
    /// The same with batches (<c>POST /runs:batch</c>): the silo dies with batches between their
    /// one commit and their pool's submission or in flight; every run a batch answered 201 is there
    /// after the restart (queued in its pool or recovered into it) and runs once.
    /// Each run sleeps a little so the two GPUs work off fewer runs a second than the batches bring
    /// (20): the queue grows however fast the machine starts runs (a bare echo drained it on a quiet
    /// machine, CI: "only 10 runs waited in the pool").
    /// </summary>
    [Fact]
    public Task Every_run_of_an_acknowledged_batch_survives_a_silo_sigkill_mid_stream_and_runs_once() =>
        StreamThroughKillAsync(groupGpus: 2, runGpus: 1, "sleep 0.3; echo ran-once", queues: true, batch: 10);

    private async Task StreamThroughKillAsync(int groupGpus, int runGpus, string command, bool queues, int batch = 0)
    {
        var dataDir = ServerHandle.NewDataDir();
        try
        {
            await using var processes = new ProcessCluster(await SharedPostgres.NewDatabaseAsync());
            // The restarted silo takes the same ports and data folder: the API finds its gateway
            // where it was, and the new cluster agent adopts the run processes the dead one started.
            var silo = new Dictionary<string, string>
            {
                ["DATA_DIR"] = dataDir,
                ["SILO_CLUSTER"] = Cluster,
                ["SECRETS_KEY"] = Convert.ToBase64String(new byte[32]),
                ["RECONCILE_SECONDS"] = queues ? "3600" : "5",
                // The stream may outpace the one-GPU pool by far more than a user's default queue quota.
                ["QUOTA_QUEUED_PER_USER"] = "100000",
                ["SILO_PORT"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
                ["GATEWAY_PORT"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            };
            var first = processes.Start("silo", silo);
            await first.WaitHealthyAsync(TimeSpan.FromSeconds(120));
            // Four submitters of one user at up to 400 writes/s: far above the default per-caller write rate, which this test is not about.
            var api = processes.Start("api", new Dictionary<string, string>
            {
                // The check below reads every acknowledged run on each pass, far above the default read rate too.
                ["DATA_DIR"] = dataDir, ["SECRETS_KEY"] = silo["SECRETS_KEY"], ["RATE_WRITES_PER_SECOND"] = "100000", ["RATE_READS_PER_SECOND"] = "100000",
            });
            await api.WaitHealthyAsync(TimeSpan.FromSeconds(90));
            using var op = new ApiClient(api.Url, ServerHandle.OperatorToken);
            await ProcessCluster.WaitReadyAsync(op, silos: 1, TimeSpan.FromSeconds(120));
            (await op.Post("clusters", new { name = Cluster, kind = "local", nodes = new[] { new { name = "n1", gpus = 4, cpus = 8, memoryGiB = 8 } } })).Expect(HttpStatusCode.Created);
            (await op.Post("groups", new { name = Group, gpus = groupGpus, clusters = new[] { Cluster } })).Expect(HttpStatusCode.Created);
            var token = (await op.Post("users", new { name = "streamer" })).Expect(HttpStatusCode.Created)["token"];
            (await op.Put($"groups/{Group}/members/streamer")).Expect(HttpStatusCode.OK);
            using var user = op.As(token);

            // Four submitters side by side, so the silo's flushes hold several writes when it dies.
            var body = new { name = "s", kind = "training", group = Group, gpus = runGpus, command };
            // Batches: two submitters of ten runs a second each, which the one-node cluster works off within the test's bound.
            var loads = batch > 0
                ? Enumerable.Range(0, 2).Select(_ => new SubmissionLoad(user, body, TimeSpan.FromSeconds(1), batch: batch)).ToList()
                : Enumerable.Range(0, 4).Select(_ => new SubmissionLoad(user, body, TimeSpan.FromMilliseconds(10))).ToList();
            try
            {
                await Eventually.Until(() => Task.FromResult(loads.Sum(l => l.Acknowledged.Count)), n => n >= 100, what: "100 acknowledged submissions");
                if (queues)
                {
                    var queued = (await op.Get($"groups/{Group}/pool")).Expect(HttpStatusCode.OK).Json["queue"]!.AsArray().Count;
                    output.WriteLine($"{queued} waiting in the pool just before the kill");
                    Assert.True(queued > 10, $"only {queued} runs waited in the pool: the test would not cover its queue");
                }

                first.KillHard();
                var killedAt = DateTime.UtcNow;
                var second = processes.Start("silo", silo);
                await second.WaitHealthyAsync(TimeSpan.FromSeconds(120));
                await Eventually.Until(() => Task.FromResult(loads.Min(l => l.LastCreated)), last => last > killedAt, TimeSpan.FromSeconds(120),
                    "submissions acknowledged again after the restart");
            }
            finally
            {
                foreach (var load in loads)
                {
                    await load.DisposeAsync();
                }
            }

            output.WriteLine($"Answers: {string.Join(", ", loads.SelectMany(l => l.Answers).GroupBy(a => a.Key).Select(g => $"{g.Key}: {g.Sum(a => a.Value)}"))}");
            Assert.Empty(loads.SelectMany(l => l.Violations));
            var acknowledged = loads.SelectMany(l => l.Acknowledged).ToList();
            Assert.Equal(acknowledged.Count, acknowledged.Distinct().Count());

            // Every acknowledged run is there and ends; the listing has each exactly once.
            var latest = new Dictionary<string, JsonNode>();
            var refused = new Dictionary<string, HttpStatusCode>();
            Dictionary<string, JsonNode> views;
            try
            {
                views = await Eventually.Until(async () =>
                {
                    var current = new Dictionary<string, JsonNode>();
                    foreach (var id in acknowledged)
                    {
                        var reply = await user.Get($"runs/{id}");
                        if (reply.Status == HttpStatusCode.OK)
                        {
                            current[id] = reply.Json;
                        }
                        else
                        {
                            refused[id] = reply.Status;
                        }
                    }

                    latest = current;
                    return current;
                }, v => v.Count == acknowledged.Count && v.Values.All(r => Final.Contains(r["status"]!.ToString())), TimeSpan.FromSeconds(queues ? 420 : 180),
                    "every acknowledged run present and ended");
            }
            catch (TimeoutException)
            {
                // Which runs kept the test waiting, and where they stand: what a failure here needs to be diagnosed.
                output.WriteLine("Missing: " + string.Join(", ", acknowledged.Where(id => !latest.ContainsKey(id)).Select(id => $"{id} ({refused.GetValueOrDefault(id)})")));
                output.WriteLine("Not ended: " + string.Join("; ", latest.Where(v => !Final.Contains(v.Value["status"]!.ToString()))
                    .Select(v => $"{v.Key} {v.Value["status"]} {v.Value["reason"]}")));
                // What the pool holds them back with: the GPUs it counts as used, by whom, and who is next.
                var pool = await op.Get($"groups/{Group}/pool");
                if (pool.Status == HttpStatusCode.OK)
                {
                    var running = pool.Json["running"]!.AsArray().Select(r => $"{r!["id"]} ({latest.GetValueOrDefault(r["id"]!.ToString())?["status"]})");
                    output.WriteLine($"Pool: used {pool.Json["used"]} of {pool.Json["size"]}, running [{string.Join(", ", running)}], " +
                                     $"{pool.Json["queue"]!.AsArray().Count} queued, head [{string.Join(", ", pool.Json["queue"]!.AsArray().Take(5).Select(q => $"{q!["id"]} {q["reason"]}"))}]");
                }
                else
                {
                    output.WriteLine($"Pool: {pool.Status}");
                }

                throw;
            }
            var listed = await ListAllAsync(user);
            Assert.Equal(listed.Count, listed.Distinct().Count());
            Assert.Superset(acknowledged.ToHashSet(), listed.ToHashSet());
            output.WriteLine($"{acknowledged.Count} acknowledged, {listed.Count} stored: " +
                             string.Join(", ", views.Values.GroupBy(v => v["status"]!.ToString()).Select(g => $"{g.Key}: {g.Count()}")));

            // None ran twice: one attempt each, and a completed run's log holds its one line once.
            Assert.All(views.Values, v => Assert.Equal(1, v["attempt"]!.GetValue<int>()));
            foreach (var id in views.Where(v => v.Value["status"]!.ToString() == "Complete").Select(v => v.Key))
            {
                var log = (await user.Get($"runs/{id}/logs")).Expect(HttpStatusCode.OK).Text;
                Assert.Single(log.Split('\n'), line => line == "ran-once");
            }
        }
        finally
        {
            RunProcesses.KillAll(dataDir);
        }
    }

    private static async Task<List<string>> ListAllAsync(ApiClient user)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = (await user.Get("runs?limit=500" + (cursor is null ? "" : $"&cursor={cursor}"))).Expect(HttpStatusCode.OK).Json;
            ids.AddRange(page["items"]!.AsArray().Select(i => i!["id"]!.ToString()));
            cursor = page["nextCursor"]?.ToString();
        }
        while (cursor is not null);
        return ids;
    }
}
