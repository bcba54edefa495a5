using System.Net;
using DKube.Integration.Tests.Infrastructure;
using DKube.Kubernetes.Tests.Fake;

namespace DKube.Integration.Tests.Kubernetes;

/// <summary>
/// A Kubernetes cluster's nodes are read again, not once: on the operator's
/// <c>POST /clusters/{name}/refresh</c> and by the periodic reminder; the pools drawing on the
/// cluster then plan with the new nodes.
/// </summary>
public sealed class ClusterRefreshTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Refresh_reads_a_new_node_and_the_pool_drawing_on_the_cluster_sees_its_gpus()
    {
        await using var api = await FakeApiServer.StartAsync();
        api.AddNode("k1", "8", "32Gi", 2, ready: true);
        using var op = server.Operator;
        var cluster = server.UniqueName("kr");
        (await op.Post("clusters", new { name = cluster, kind = "kubernetes", kubeconfig = api.Kubeconfig, @namespace = FakeApiServer.Namespace }))
            .Expect(HttpStatusCode.Created);
        var group = server.UniqueName("kg");
        (await op.Post("groups", new { name = group, gpus = 6, clusters = new[] { cluster } })).Expect(HttpStatusCode.Created);
        Assert.Equal(2, await CapacityAsync(op, group, cluster));

        api.AddNode("k2", "16", "64Gi", 4, ready: true);
        var view = (await op.Post($"clusters/{cluster}/refresh")).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(["k1", "k2"], view["nodes"]!.AsArray().Select(n => n!["name"]!.ToString()).Order());
        Assert.Equal(6, view["gpus"]!.GetValue<int>());
        await Eventually.Until(() => CapacityAsync(op, group, cluster), c => c == 6, what: "the pool sees the new node's GPUs");
        (await op.Post("clusters/no-such-cluster/refresh")).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_periodic_refresh_notices_a_node_that_left_without_anyone_asking()
    {
        await using var api = await FakeApiServer.StartAsync();
        api.AddNode("p1", "8", "32Gi", 2, ready: true);
        api.AddNode("p2", "8", "32Gi", 2, ready: true);
        var dataDir = ServerHandle.NewDataDir();
        await using var fast = await ServerHandle.StartAsync(await SharedPostgres.NewDatabaseAsync(), dataDir, "--NODE_REFRESH_SECONDS=1");
        try
        {
            using var op = new ApiClient(fast.Url, ServerHandle.OperatorToken);
            (await op.Post("clusters", new { name = "kp", kind = "kubernetes", kubeconfig = api.Kubeconfig, @namespace = FakeApiServer.Namespace }))
                .Expect(HttpStatusCode.Created);

            api.State.Remove(FakeResource.Nodes.Plural, "p2");

            var view = await Eventually.Until(() => op.Get("clusters/kp"), r => r.Json["nodes"]!.AsArray().Count == 1, what: "node p2 gone from the cluster");
            Assert.Equal("p1", view.Json["nodes"]![0]!["name"]!.ToString());
        }
        finally
        {
            RunProcesses.KillAll(dataDir);
            SharedPostgres.TryDelete(dataDir);
        }
    }

    private static async Task<int> CapacityAsync(ApiClient op, string group, string cluster) =>
        (await op.Get($"groups/{group}/pool")).Expect(HttpStatusCode.OK).Json["clusters"]!.AsArray()
            .Where(c => c!["cluster"]!.ToString() == cluster).Select(c => c!["capacity"]!.GetValue<int>()).SingleOrDefault();
}
