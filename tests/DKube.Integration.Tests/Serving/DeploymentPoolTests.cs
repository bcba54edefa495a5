using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Serving;

/// <summary>
/// GPU replicas take their GPUs from the group's pool, one quota with training: over HTTP they are
/// in <c>GET /groups/{g}/pool</c> as kind <c>inference</c> (ids <c>{deployment}-r{n}</c>), a
/// scale-up past the pool leaves the extra replica queued there, and it starts when GPUs free.
/// The cluster is a local one of three virtual GPUs, the group's pool all of them.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class DeploymentPoolTests(ServingFixture fixture)
{
    private const string HttpServer = "exec /usr/bin/python3 -m http.server \"$PORT\" --bind \"$DKUBE_BIND_ADDRESS\"";

    [Fact]
    public async Task Gpu_replicas_are_inference_in_the_pool_a_scale_up_past_it_queues_there_and_starts_when_gpus_free()
    {
        using var alice = await fixture.NewTenantAsync();
        using var op = fixture.Operator;
        var (cluster, group) = ($"gpus-{alice.User}", $"pool-{alice.User}");
        (await op.Post("clusters", new { name = cluster, kind = "local", nodes = new[] { new { name = "n1", gpus = 3 } } })).Expect(HttpStatusCode.Created);
        (await op.Post("groups", new { name = group, gpus = 3, clusters = new[] { cluster } })).Expect(HttpStatusCode.Created);
        (await op.Put($"groups/{group}/members/{alice.User}")).Expect(HttpStatusCode.OK);
        await ServingFixture.TrainModelAsync(alice, "gpu-model");

        // A training run holds one of the three GPUs.
        var training = (await alice.Submit("holder", gpus: 1, extra: new { group, cluster })).Expect(HttpStatusCode.Created)["id"];
        await Eventually.Until(() => alice.Client.Get($"runs/{training}"), r => r["status"] == "Running", TimeSpan.FromMinutes(2), "training run running");
        var id = (await alice.Client.Post("deployments", new
        {
            name = "gpu", model = new { name = "gpu-model" }, group, cluster, gpus = 1, minReplicas = 1, maxReplicas = 3,
            serving = new { runtime = "custom", command = HttpServer },
        })).Expect(HttpStatusCode.Created)["id"];
        await ServingFixture.WaitForAsync(alice, id, "Running", ready: 1);

        // Three replicas asked for, two GPUs left: the second starts, the third waits in the pool.
        (await alice.Client.Patch($"deployments/{id}", new { minReplicas = 3 })).Expect(HttpStatusCode.OK);
        var pool = (await Eventually.Until(() => alice.Client.Get($"groups/{group}/pool"),
            p => p.Json["queue"]!.AsArray().Count == 1 && p.Json["running"]!.AsArray().Count == 3, TimeSpan.FromMinutes(2), "two replicas and the run running, one replica queued")).Json;
        var partly = await ServingFixture.WaitForAsync(alice, id, "Running", ready: 2);

        Assert.Equal((3, 3, 0), (pool["gpus"]!.GetValue<int>(), pool["used"]!.GetValue<int>(), pool["free"]!.GetValue<int>()));
        var queued = pool["queue"]![0]!;
        Assert.Equal(($"{id}-r3", "inference", alice.User, 1), (queued["id"]!.ToString(), queued["kind"]!.ToString(), queued["owner"]!.ToString(), queued["gpus"]!.GetValue<int>()));
        Assert.Equal("quota", queued["reason"]!.ToString());
        Assert.Equal(
            [($"{id}-r1", "inference"), ($"{id}-r2", "inference"), (training, "training")],
            pool["running"]!.AsArray().Select(e => (e!["id"]!.ToString(), e["kind"]!.ToString())).Order());
        Assert.Equal((3, 2), (partly.Json["replicas"]!["desired"]!.GetValue<int>(), partly.Json["replicas"]!["ready"]!.GetValue<int>()));
        // The queued replica is the deployment's: a run of kind inference under it, waiting for GPUs.
        var waiting = (await alice.Client.Get($"runs/{id}-r3")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(("inference", "WaitingForGpus", id), (waiting["kind"]!.ToString(), waiting["status"]!.ToString(), waiting["parent"]!["id"]!.ToString()));

        // The training run ends: its GPU goes to the waiting replica, which starts and serves.
        (await alice.Client.Post($"runs/{training}/stop")).Expect(HttpStatusCode.OK);
        await ServingFixture.WaitForAsync(alice, id, "Running", ready: 3);
        var after = (await Eventually.Until(() => alice.Client.Get($"groups/{group}/pool"),
            p => p.Json["queue"]!.AsArray().Count == 0 && p.Json["running"]!.AsArray().Count == 3, TimeSpan.FromMinutes(2), "the three replicas running")).Json;
        Assert.Equal(3, after["used"]!.GetValue<int>());
        Assert.Equal([$"{id}-r1", $"{id}-r2", $"{id}-r3"], after["running"]!.AsArray().Select(e => e!["id"]!.ToString()).Order());
        Assert.All(after["running"]!.AsArray(), e => Assert.Equal("inference", e!["kind"]!.ToString()));

        (await alice.Client.Delete($"deployments/{id}")).Expect(HttpStatusCode.NoContent);
        await Eventually.Until(() => alice.Client.Get($"groups/{group}/pool"), p => p.Json["used"]!.GetValue<int>() == 0, TimeSpan.FromMinutes(2), "every GPU given back");
    }
}
