using DKube.Abstractions.Pools;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Tests.Workloads;
using static DKube.Grains.Tests.Infrastructure.Claims;

namespace DKube.Grains.Tests.Pools;

/// <summary>
/// A pool's running set is stored, so after a silo died it can hold GPUs for workloads that no
/// longer take them up: one whose end was stored but whose release was lost, one whose admission
/// notice was lost. With no reconciler sweep, the pool's own activation frees or re-admits them
/// (the CI failure of the silo-kill test with queued runs: a one-GPU pool admitted nothing more).
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class PoolHolderRecoveryTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_gpu_held_for_a_run_that_ended_while_its_release_was_lost_is_freed_when_the_pool_activates_again()
    {
        var world = await WorkloadWorld.CreateAsync(fixture, groupGpus: 1);
        var pool = fixture.Grains.GetGrain<IGroupPoolGrain>(world.Group);
        var ended = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("w"));
        await ended.Create(WorkloadType.Run, world.Run("true"), WorkloadWorld.Owner, null, null);
        Assert.Equal(WorkloadStatus.Complete, (await WorkloadWorld.FinalAsync(ended)).Status);

        // What a silo killed between the run's stored end and its release leaves: the pool's
        // stored running set holds the ended run's GPU, and the next run waits behind it.
        Assert.Equal(PoolOutcome.Admitted, (await pool.Submit(Request(ended.GetPrimaryKeyString(), 1))).Outcome);
        var next = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("w"));
        Assert.Equal(WorkloadStatus.WaitingForGpus, (await next.Create(WorkloadType.Run, world.Run("true"), WorkloadWorld.Owner, null, null)).Status);

        // The restart: the pool activates from storage (here on a read of its view), and no reconciler runs.
        await fixture.DeactivateAsync(pool);
        await pool.GetView();

        Assert.Equal(WorkloadStatus.Complete, (await WorkloadWorld.FinalAsync(next)).Status);
        var view = await Eventually.Until(pool.GetView, v => v.Used == 0, what: "both GPUs holders released");
        Assert.Empty(view.Running);
        Assert.Equal(1, world.StartsOf(next.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task A_run_admitted_while_its_notice_was_lost_is_told_again_when_the_pool_activates_again()
    {
        var world = await WorkloadWorld.CreateAsync(fixture, groupGpus: 1);
        var pool = fixture.Grains.GetGrain<IGroupPoolGrain>(world.Group);
        Assert.Equal(PoolOutcome.Admitted, (await pool.Submit(Request("holder", 1))).Outcome);
        var id = GrainClusterFixture.NewKey("w");
        var waiting = fixture.Grains.GetGrain<IWorkloadGrain>(id);
        Assert.Equal(WorkloadStatus.WaitingForGpus, (await waiting.Create(WorkloadType.Run, world.Run("true"), WorkloadWorld.Owner, null, null)).Status);

        // The holder ends and the pool admits the run, but its notice is lost (as with the silo
        // that sent it): a failure that is not retried.
        fixture.Faults.FailBefore(id, nameof(IWorkloadGrain.Admitted), new InvalidOperationException("lost with the silo"));
        await pool.Release("holder");
        await Eventually.Until(() => Task.FromResult(fixture.Faults.Calls(id, nameof(IWorkloadGrain.Admitted))), n => n == 1, what: "the admission notice sent (and lost)");
        Assert.Equal(id, (await pool.GetView()).Running.Single().Id);
        Assert.Equal(WorkloadStatus.WaitingForGpus, (await waiting.Get())!.Status);

        await fixture.DeactivateAsync(pool);
        await pool.GetView();

        Assert.Equal(WorkloadStatus.Complete, (await WorkloadWorld.FinalAsync(waiting)).Status);
        await Eventually.Until(pool.GetView, v => v.Used == 0, what: "its GPU released at its end");
        Assert.Equal(1, world.StartsOf(id));
    }
}
