using DKube.Abstractions.Pools;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using static DKube.Grains.Tests.Infrastructure.Claims;

namespace DKube.Grains.Tests.Workloads;

/// <summary>A workload whose pool admits it while its cluster is busy: it waits, recovers idempotently, withdraws, and starts when placed.</summary>
[Collection(GrainCollection.Name)]
public sealed class ClusterBusyWorkloadTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task It_waits_cluster_busy_and_runs_to_completion_once_the_cluster_places_it()
    {
        var (cluster, workload) = await WaitingWorkloadAsync();

        await cluster.Release("other");

        var done = await Eventually.Until(workload.Get, v => v!.Status.IsFinal(), what: "the placed workload to end");
        Assert.Equal(WorkloadStatus.Complete, done!.Status);
        Assert.Equal(cluster.Name(), done.Allocation!.Cluster);
        await Eventually.Until(async () => (await cluster.Get())!.UsedGpus, used => used == 0, what: "its GPUs to be released");
    }

    [Fact]
    public async Task Recovering_a_waiting_workload_asks_its_cluster_again_and_changes_nothing()
    {
        var (cluster, workload) = await WaitingWorkloadAsync();
        var queue = await cluster.GetQueue();

        await workload.Recover();
        await workload.Recover();

        var view = await workload.Get();
        Assert.Equal((WorkloadStatus.WaitingForGpus, PoolQueueEntry.ClusterBusy, 1), (view!.Status, view.Reason, view.QueuePosition));
        Assert.Equal(queue, await cluster.GetQueue());
    }

    [Fact]
    public async Task Stopping_a_waiting_workload_withdraws_it_from_the_cluster_and_the_pool()
    {
        var (cluster, workload) = await WaitingWorkloadAsync();
        var group = (await workload.Get())!.Group;

        Assert.Equal(WorkloadStatus.Stopped, (await workload.Stop()).Status);

        Assert.Empty(await cluster.GetQueue());
        Assert.Equal(0, (await fixture.Grains.GetGrain<IGroupPoolGrain>(group).GetView()).Used);
        await cluster.Release("other");
        Assert.Equal(0, (await cluster.Get())!.UsedGpus);
        Assert.Equal(WorkloadStatus.Stopped, (await workload.Get())!.Status);
    }

    /// <summary>A 2-GPU cluster another group fills, and a workload of a fresh group with a 2-GPU pool waiting for it.</summary>
    private async Task<(DKube.Abstractions.Clusters.IClusterGrain Cluster, IWorkloadGrain Workload)> WaitingWorkloadAsync()
    {
        var cluster = await fixture.Grains.NewClusterAsync(2);
        var group = GrainClusterFixture.NewKey("g");
        await fixture.Grains.GetGrain<IGroupPoolGrain>(group).Configure(2, [cluster.Name()], QueuePolicy.BestEffortFifo, null);
        await cluster.Reserve(Claim(cluster.Name(), "other", "other-group", 2));

        var workload = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("w"));
        var spec = new WorkloadSpec("w", "training", group, null, null, null, "true", [], null, new Dictionary<string, string>(), 1, false, null, null, [],
            TimeSpan.FromHours(1), new Dictionary<string, string>());
        var view = await workload.Create(WorkloadType.Run, spec, "ann", null, null);
        Assert.Equal((WorkloadStatus.WaitingForGpus, PoolQueueEntry.ClusterBusy, 1), (view.Status, view.Reason, view.QueuePosition));
        Assert.Null(view.Allocation);
        return (cluster, workload);
    }
}
