using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Runs;

/// <summary>
/// The scenario through HTTP on real processes: two groups whose pools draw on one
/// cluster. A busy cluster makes the second group's runs wait (cluster-busy), never Error, and
/// they start by themselves when the first group's runs end.
/// </summary>
public sealed class SharedClusterTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_second_groups_runs_wait_for_a_busy_cluster_and_complete_when_it_frees_up()
    {
        var cluster = fixture.UniqueName("c4");
        using var op = fixture.Operator;
        (await op.Post("clusters", new { name = cluster, kind = "local", nodes = new[] { new { name = "n1", gpus = 4, cpus = 8, memoryGiB = 32 } } }))
            .Expect(HttpStatusCode.Created);
        using var ga = await NewTenantAsync(op, cluster);
        using var gb = await NewTenantAsync(op, cluster);

        // ga's runs hold all four GPUs until the test creates the file they wait for.
        var release = Path.Combine(fixture.DataDir, $"release-{cluster}");
        var hold = $"while [ ! -f '{release}' ]; do sleep 0.1; done";
        var held = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            held.Add((await ga.Submit($"hold-{i}", 1, hold)).Expect(HttpStatusCode.Created)["id"]);
        }

        foreach (var id in held)
        {
            await ga.WaitForStatus(id, "Running");
        }

        var waiting = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var run = (await gb.Submit($"wait-{i}", 1, "echo done")).Expect(HttpStatusCode.Created).Json;
            Assert.Equal("WaitingForGpus", run["status"]!.ToString());
            Assert.Equal("cluster-busy", run["reason"]!.ToString());
            Assert.Equal(i + 1, run["queuePosition"]!.GetValue<int>());
            waiting.Add(run["id"]!.ToString());
        }

        var pool = (await gb.Client.Get($"groups/{gb.Group}/pool")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(waiting, pool["queue"]!.AsArray().Select(q => q!["id"]!.ToString()));
        Assert.All(pool["queue"]!.AsArray(), q => Assert.Equal("cluster-busy", q!["reason"]!.ToString()));
        Assert.All(pool["queue"]!.AsArray(), q => Assert.Equal(cluster, q!["cluster"]!.ToString()));

        var queue = (await op.Get($"clusters/{cluster}")).Expect(HttpStatusCode.OK).Json["queue"]!.AsArray();
        Assert.Equal(waiting, queue.Select(q => q!["id"]!.ToString()));
        Assert.Equal([1, 2, 3], queue.Select(q => q!["position"]!.GetValue<int>()));
        Assert.All(queue, q => Assert.Equal(gb.Group, q!["group"]!.ToString()));
        foreach (var id in waiting)
        {
            Assert.Equal("WaitingForGpus", await gb.StatusOf(id));
        }

        await File.WriteAllTextAsync(release, "go");
        foreach (var id in held)
        {
            await ga.WaitForStatus(id, "Complete");
        }

        foreach (var id in waiting)
        {
            await gb.WaitForStatus(id, "Complete");
        }

        Assert.Empty((await op.Get($"clusters/{cluster}")).Json["queue"]!.AsArray());
        Assert.Equal(0, (await op.Get($"clusters/{cluster}")).Json["usedGpus"]!.GetValue<int>());
    }

    private async Task<Tenant> NewTenantAsync(ApiClient op, string cluster)
    {
        var group = fixture.UniqueName("g");
        var user = fixture.UniqueName("u");
        (await op.Post("groups", new { name = group, gpus = 4, clusters = new[] { cluster } })).Expect(HttpStatusCode.Created);
        var token = (await op.Post("users", new { name = user })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{group}/members/{user}")).Expect(HttpStatusCode.OK);
        return new Tenant(group, user, new ApiClient(fixture.Server.Url, token));
    }
}
