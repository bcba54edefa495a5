using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Runs;

/// <summary>One group's queue across several clusters: the pool places where work fits, or where the run says.</summary>
public sealed class MultiClusterPoolTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_pool_drawing_on_two_clusters_fills_both_and_shows_use_per_cluster()
    {
        using var op = fixture.Operator;
        foreach (var cluster in new[] { "east", "west" })
        {
            (await op.Post("clusters", new { name = cluster, kind = "local", nodes = new[] { new { name = $"{cluster}-1", gpus = 2 } } })).Expect(HttpStatusCode.Created);
        }

        var (group, _, client) = await fixture.NewTenantAsync(gpus: 4);
        (await op.Put($"groups/{group}", new { gpus = 4 })).Expect(HttpStatusCode.OK);
        using (client)
        {
            // The group was created before the clusters and draws on all of them.
            var first = (await client.Post("runs", new { name = "a", kind = "training", command = "sleep 600", gpus = 2 })).Expect(HttpStatusCode.Created).Json;
            var second = (await client.Post("runs", new { name = "b", kind = "training", command = "sleep 600", gpus = 2 })).Expect(HttpStatusCode.Created).Json;
            var clusters = new[] { first, second }.Select(r => r["allocation"]!["cluster"]!.ToString()).ToHashSet();
            Assert.Superset(new HashSet<string> { "east", "west" }, clusters);
            Assert.Equal(2, clusters.Count);

            var pool = (await client.Get($"groups/{group}/pool")).Expect(HttpStatusCode.OK).Json;
            var uses = pool["clusters"]!.AsArray().ToDictionary(c => c!["cluster"]!.ToString(), c => c!);
            foreach (var cluster in new[] { "east", "west" })
            {
                Assert.Equal(2, uses[cluster]["used"]!.GetValue<int>());
                Assert.Equal(2, uses[cluster]["capacity"]!.GetValue<int>());
            }

            // Naming a full cluster waits for it even though the quota is the same.
            (await client.Post($"runs/{first["id"]}/stop")).Expect(HttpStatusCode.OK);
            var named = (await client.Post("runs", new { name = "c", kind = "training", command = "sleep 600", gpus = 2, cluster = second["allocation"]!["cluster"]!.ToString() }))
                .Expect(HttpStatusCode.Created).Json;
            Assert.Equal("WaitingForGpus", named["status"]!.ToString());
            (await client.Post($"runs/{second["id"]}/stop")).Expect(HttpStatusCode.OK);
            var started = await Eventually.Until(() => client.Get($"runs/{named["id"]}"), r => r["status"] == "Running");
            Assert.Equal(second["allocation"]!["cluster"]!.ToString(), started.Json["allocation"]!["cluster"]!.ToString());
        }
    }
}
