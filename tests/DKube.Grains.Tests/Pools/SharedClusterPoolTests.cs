using DKube.Abstractions.Clusters;
using DKube.Abstractions.Pools;
using DKube.Grains.Tests.Infrastructure;
using static DKube.Grains.Tests.Infrastructure.Claims;

namespace DKube.Grains.Tests.Pools;

/// <summary>Two groups' pools on one cluster: pools grant quota, the cluster places, the pool view says who waits for the cluster.</summary>
[Collection(GrainCollection.Name)]
public sealed class SharedClusterPoolTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task Both_pools_admit_by_quota_and_the_second_groups_work_waits_for_the_cluster_in_its_pool_view()
    {
        var cluster = await fixture.Grains.NewClusterAsync(4);
        var c = cluster.Name();
        var (ga, gb) = (GrainClusterFixture.NewKey("ga"), GrainClusterFixture.NewKey("gb"));
        var poolA = fixture.Grains.GetGrain<IGroupPoolGrain>(ga);
        var poolB = fixture.Grains.GetGrain<IGroupPoolGrain>(gb);
        await poolA.Configure(4, [c], QueuePolicy.BestEffortFifo, null);
        await poolB.Configure(4, [c], QueuePolicy.BestEffortFifo, null);

        // What a workload does: its pool admits it, then it claims the cluster of its allocation.
        async Task<ClusterGrant> SubmitAsync(IGroupPoolGrain pool, string group, string id)
        {
            var decision = await pool.Submit(Request(id, 1));
            Assert.Equal(PoolOutcome.Admitted, decision.Outcome);
            return await cluster.Reserve(new ClusterClaim(id, group, Request(id, 1), decision.Allocation!));
        }

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(ClusterGrantStatus.Placed, (await SubmitAsync(poolA, ga, $"{ga}-{i}")).Status);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ClusterGrantStatus.Waiting, (await SubmitAsync(poolB, gb, $"{gb}-{i}")).Status);
        }

        var view = await poolB.GetView();
        Assert.Equal(3, view.Used);
        Assert.Empty(view.Running);
        Assert.Equal([1, 2, 3], view.Queue.Select(q => q.Position));
        Assert.All(view.Queue, q => Assert.Equal((PoolQueueEntry.ClusterBusy, c), (q.Reason, q.Cluster)));
        Assert.Equal(4, (await poolA.GetView()).Running.Count);

        // ga's run ends: cluster first, then pool, as a workload releases.
        await cluster.Release($"{ga}-0");
        await poolA.Release($"{ga}-0");
        view = await poolB.GetView();
        Assert.Equal([$"{gb}-0"], view.Running.Select(r => r.Id));
        Assert.Equal([$"{gb}-1", $"{gb}-2"], view.Queue.Select(q => q.Id));
    }
}
