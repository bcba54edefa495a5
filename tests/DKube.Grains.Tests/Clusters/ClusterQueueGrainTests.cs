using DKube.Abstractions.Clusters;
using DKube.Grains.Pools;
using DKube.Grains.Tests.Infrastructure;
using static DKube.Grains.Tests.Infrastructure.Claims;

namespace DKube.Grains.Tests.Clusters;

/// <summary>The cluster grain's queue across groups: waiting instead of failing, order, withdrawal, idempotency, persistence, aging.</summary>
[Collection(GrainCollection.Name)]
public sealed class ClusterQueueGrainTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_busy_cluster_queues_the_other_groups_claims_and_places_them_as_gpus_free_up()
    {
        var cluster = await fixture.Grains.NewClusterAsync(4);
        var c = cluster.Name();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(ClusterGrantStatus.Placed, (await cluster.Reserve(Claim(c, $"a{i}", "ga", 1))).Status);
        }

        for (var i = 0; i < 3; i++)
        {
            var grant = await cluster.Reserve(Claim(c, $"b{i}", "gb", 1));
            Assert.Equal(ClusterGrantStatus.Waiting, grant.Status);
            Assert.Equal(i + 1, grant.Position);
        }

        var view = await cluster.Get();
        Assert.Equal(4, view!.UsedGpus);
        Assert.Equal(["b0", "b1", "b2"], view.Queue!.Select(q => q.Id));
        Assert.All(view.Queue!, q => Assert.Equal("gb", q.Group));

        await cluster.Release("a1");
        var placed = await cluster.Reserve(Claim(c, "b0", "gb", 1));
        Assert.Equal(ClusterGrantStatus.Placed, placed.Status);
        Assert.Equal([1], placed.Allocation!.Workers.Single().Gpus);
        Assert.Equal(["b1", "b2"], (await cluster.GetQueue()).Select(q => q.Id));
    }

    [Fact]
    public async Task The_group_holding_fewest_gpus_of_the_cluster_is_placed_first()
    {
        var cluster = await fixture.Grains.NewClusterAsync(4);
        var c = cluster.Name();
        await cluster.Reserve(Claim(c, "a0", "ga", 3));
        await cluster.Reserve(Claim(c, "b0", "gb", 1));
        await cluster.Reserve(Claim(c, "a1", "ga", 1));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await cluster.Reserve(Claim(c, "c0", "gc", 1));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await cluster.Reserve(Claim(c, "b1", "gb", 1));

        // gc holds nothing, gb one GPU, ga three: gc first although ga's waiter is oldest.
        Assert.Equal(["c0", "b1", "a1"], (await cluster.GetQueue()).Select(q => q.Id));

        await cluster.Release("b0");
        Assert.Equal(ClusterGrantStatus.Placed, (await cluster.Reserve(Claim(c, "c0", "gc", 1))).Status);
        Assert.Equal(["b1", "a1"], (await cluster.GetQueue()).Select(q => q.Id));
    }

    [Fact]
    public async Task A_withdrawn_waiter_leaves_the_queue_and_is_never_placed()
    {
        var cluster = await fixture.Grains.NewClusterAsync(2);
        var c = cluster.Name();
        await cluster.Reserve(Claim(c, "a0", "ga", 2));
        await cluster.Reserve(Claim(c, "b0", "gb", 2));
        await cluster.Reserve(Claim(c, "b1", "gb", 1));

        await cluster.Release("b0");
        Assert.Equal(["b1"], (await cluster.GetQueue()).Select(q => q.Id));

        await cluster.Release("a0");
        Assert.Empty(await cluster.GetQueue());
        Assert.Equal(1, (await cluster.Get())!.UsedGpus);
        Assert.Equal(ClusterGrantStatus.Placed, (await cluster.Reserve(Claim(c, "b1", "gb", 1))).Status);
    }

    [Fact]
    public async Task Reserve_and_release_are_idempotent_per_workload_id()
    {
        var cluster = await fixture.Grains.NewClusterAsync(2);
        var c = cluster.Name();
        var first = await cluster.Reserve(Claim(c, "a0", "ga", 2));
        var again = await cluster.Reserve(Claim(c, "a0", "ga", 2));
        Assert.Equal(first.Allocation!.Workers.Single().Gpus, again.Allocation!.Workers.Single().Gpus);

        var waiting = await cluster.Reserve(Claim(c, "b0", "gb", 1));
        Assert.Equal(waiting, await cluster.Reserve(Claim(c, "b0", "gb", 1)));
        Assert.Single(await cluster.GetQueue());

        await cluster.Release("a0");
        await cluster.Release("a0");
        await cluster.Release("ghost");
        Assert.Equal(1, (await cluster.Get())!.UsedGpus);
        Assert.Empty(await cluster.GetQueue());
    }

    [Fact]
    public async Task Only_a_shape_no_node_can_hold_is_unplaceable()
    {
        var cluster = await fixture.Grains.NewClusterAsync(2);
        var grant = await cluster.Reserve(Claim(cluster.Name(), "big", "ga", 3));
        Assert.Equal(ClusterGrantStatus.Unplaceable, grant.Status);
        Assert.Empty(await cluster.GetQueue());
    }

    [Fact]
    public async Task The_queue_and_its_holders_groups_survive_a_deactivation()
    {
        var cluster = await fixture.Grains.NewClusterAsync(4);
        var c = cluster.Name();
        await cluster.Reserve(Claim(c, "a0", "ga", 2));
        await cluster.Reserve(Claim(c, "a1", "ga", 1));
        await cluster.Reserve(Claim(c, "a2", "ga", 2));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await cluster.Reserve(Claim(c, "b0", "gb", 2));
        var before = await cluster.GetQueue();
        Assert.Equal(["b0", "a2"], before.Select(q => q.Id));

        await fixture.DeactivateAsync(cluster);

        Assert.Equal(before, await cluster.GetQueue());
        Assert.Equal(3, (await cluster.Get())!.UsedGpus);

        // ga still counts as holding a0's 2 GPUs after the restart, so gb's younger waiter goes first.
        await cluster.Release("a1");
        Assert.Equal(ClusterGrantStatus.Placed, (await cluster.Reserve(Claim(c, "b0", "gb", 2))).Status);
        Assert.Equal(ClusterGrantStatus.Waiting, (await cluster.Reserve(Claim(c, "a2", "ga", 2))).Status);
    }

    [Fact]
    public async Task A_gang_is_passed_by_small_claims_only_until_it_has_waited_the_bound()
    {
        var cluster = await fixture.Grains.NewClusterAsync(4);
        var c = cluster.Name();
        await cluster.Reserve(Claim(c, "a0", "ga", 1));
        await cluster.Reserve(Claim(c, "a1", "ga", 1));
        Assert.Equal(ClusterGrantStatus.Waiting, (await cluster.Reserve(Claim(c, "gang", "gb", 2, workers: 1))).Status);

        // Young: a small claim that fits passes it.
        Assert.Equal(ClusterGrantStatus.Placed, (await cluster.Reserve(Claim(c, "a2", "ga", 1))).Status);

        fixture.Time.Advance(PoolDefaults.MaxHeadAge + TimeSpan.FromMinutes(1));

        // Aged: GPUs freed are held for it, and small claims wait behind it.
        await cluster.Release("a2");
        Assert.Equal(ClusterGrantStatus.Waiting, (await cluster.Reserve(Claim(c, "a3", "ga", 1))).Status);
        Assert.Equal(["gang", "a3"], (await cluster.GetQueue()).Select(q => q.Id));
        await cluster.Release("a0");
        await cluster.Release("a1");
        var gang = await cluster.Reserve(Claim(c, "gang", "gb", 2, workers: 1));
        Assert.Equal(ClusterGrantStatus.Placed, gang.Status);
        Assert.Equal(4, gang.Allocation!.TotalGpus);
    }
}
