using System.Net;
using DKube.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DKube.Integration.Tests.Cluster;

/// <summary>
/// Silos declare the cluster they run in; a cluster's agent (and so its local processes) lands on
/// a silo of that cluster, or on any silo when none runs there, which the cluster's view says.
/// </summary>
public sealed class ClusterPlacementTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Each_cluster_runs_on_a_silo_of_its_own_and_a_cluster_without_one_falls_back_visibly()
    {
        await using var processes = new ProcessCluster(await SharedPostgres.NewDatabaseAsync());
        var alphaDir = ServerHandle.NewDataDir();
        var betaDir = ServerHandle.NewDataDir();
        try
        {
            var alpha = processes.Start("silo", new Dictionary<string, string> { ["SILO_CLUSTER"] = "alpha", ["DATA_DIR"] = alphaDir });
            var beta = processes.Start("silo", new Dictionary<string, string> { ["SILO_CLUSTER"] = "beta", ["DATA_DIR"] = betaDir });
            await Task.WhenAll(alpha.WaitHealthyAsync(TimeSpan.FromSeconds(90)), beta.WaitHealthyAsync(TimeSpan.FromSeconds(90)));
            var api = processes.Start("api");
            await api.WaitHealthyAsync(TimeSpan.FromSeconds(90));
            using var op = new ApiClient(api.Url, ServerHandle.OperatorToken);
            await ProcessCluster.WaitReadyAsync(op, silos: 2);

            using var user = op.As((await op.Post("users", new { name = "placer" })).Expect(HttpStatusCode.Created)["token"]);
            foreach (var cluster in new[] { "alpha", "beta", "gamma" })
            {
                var registered = (await op.Post("clusters", new
                {
                    name = cluster,
                    kind = "local",
                    nodes = new[] { new { name = "n1", gpus = 2, cpus = 4, memoryGiB = 8 } },
                })).Expect(HttpStatusCode.Created);
                output.WriteLine($"{cluster}: {registered.Text}");
                (await op.Post("groups", new { name = $"g-{cluster}", gpus = 2, clusters = new[] { cluster } })).Expect(HttpStatusCode.Created);
                (await op.Put($"groups/g-{cluster}/members/placer")).Expect(HttpStatusCode.OK);
            }

            Assert.Equal("cluster", (await op.Get("clusters/alpha")).Expect(HttpStatusCode.OK)["placement"]);
            Assert.Equal("cluster", (await op.Get("clusters/beta")).Expect(HttpStatusCode.OK)["placement"]);
            var gamma = (await op.Get("clusters/gamma")).Expect(HttpStatusCode.OK);
            Assert.Equal("fallback", gamma["placement"]);
            Assert.DoesNotContain("settings", gamma.Text, StringComparison.OrdinalIgnoreCase);

            // Each run's working folder appears under the data folder of the silo that hosts its cluster.
            var placed = new Dictionary<string, string>();
            foreach (var cluster in new[] { "alpha", "beta", "gamma" })
            {
                var id = (await user.Post("runs", new
                {
                    name = $"where-{cluster}",
                    kind = "training",
                    group = $"g-{cluster}",
                    gpus = 1,
                    command = "echo \"$DKUBE_RUN_ID\" > where.txt",
                })).Expect(HttpStatusCode.Created)["id"];
                var done = await Eventually.Until(() => user.Get($"runs/{id}"), r => r["status"] == "Complete", TimeSpan.FromSeconds(60), $"{id} Complete");
                Assert.Equal(cluster, done.Json["allocation"]!["cluster"]!.ToString());
                placed[cluster] = id;
            }

            foreach (var (name, dir) in new[] { ("alpha", alphaDir), ("beta", betaDir) })
            {
                output.WriteLine($"{name} silo ran: {string.Join(", ", Directory.Exists(Path.Combine(dir, "work")) ? Directory.GetDirectories(Path.Combine(dir, "work")).Select(Path.GetFileName) : [])}");
            }

            output.WriteLine($"runs: {string.Join(", ", placed.Select(p => $"{p.Key}={p.Value}"))}");
            bool RanUnder(string dataDir, string id) => File.Exists(Path.Combine(dataDir, "work", $"{id}-1", "where.txt"));
            Assert.True(RanUnder(alphaDir, placed["alpha"]) && !RanUnder(betaDir, placed["alpha"]), "the alpha run ran on the alpha silo");
            Assert.True(RanUnder(betaDir, placed["beta"]) && !RanUnder(alphaDir, placed["beta"]), "the beta run ran on the beta silo");
            Assert.True(RanUnder(alphaDir, placed["gamma"]) ^ RanUnder(betaDir, placed["gamma"]), "the gamma run ran on exactly one silo");
            output.WriteLine($"gamma fell back to {gamma["agentSilo"]}; its run ran under {(RanUnder(alphaDir, placed["gamma"]) ? "alpha" : "beta")}");
        }
        finally
        {
            RunProcesses.KillAll(alphaDir);
            RunProcesses.KillAll(betaDir);
        }
    }
}
