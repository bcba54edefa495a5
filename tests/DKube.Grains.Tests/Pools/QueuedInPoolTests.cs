using DKube.Abstractions.Pools;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Tests.Workloads;
using DKube.Grains.Workloads;
using DKube.Storage.ReadModel;
using Microsoft.Extensions.Logging.Abstractions;
using static DKube.Grains.Tests.Infrastructure.Claims;

namespace DKube.Grains.Tests.Pools;

/// <summary>
/// The reconciler and start-up recovery ask each pool which of its group's waiting workloads it
/// holds queued, and recover only the others, so a group with many queued runs costs no
/// activation per run per sweep (issue 10: 100,000 queued in one group).
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class QueuedInPoolTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task Only_waiting_workloads_the_pool_does_not_hold_queued_and_the_ones_not_waiting_are_recovered()
    {
        var world = await WorkloadWorld.CreateAsync(fixture, groupGpus: 1);
        var pool = fixture.Grains.GetGrain<IGroupPoolGrain>(world.Group);
        Assert.Equal(PoolOutcome.Admitted, (await pool.Submit(Request("holder", 1))).Outcome);
        var queued = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = GrainClusterFixture.NewKey("w");
            Assert.Equal(WorkloadStatus.WaitingForGpus, (await fixture.Grains.GetGrain<IWorkloadGrain>(id).Create(WorkloadType.Run, world.Run("true"), WorkloadWorld.Owner, null, null)).Status);
            queued.Add(id);
        }

        var rows = new List<StatusRow>
        {
            // Held in the queue: stored as waiting (or still Queued, its waiting state written behind and lost).
            new(queued[0], world.Group, nameof(WorkloadStatus.WaitingForGpus)),
            new(queued[1], world.Group, nameof(WorkloadStatus.WaitingForGpus)),
            new(queued[2], world.Group, nameof(WorkloadStatus.Queued)),
            // Admitted by the pool while the run still says it waits: its notice may have been lost.
            new("holder", world.Group, nameof(WorkloadStatus.WaitingForGpus)),
            // Stored, never reached its pool.
            new("stranded", world.Group, nameof(WorkloadStatus.Queued)),
            // Not waiting: always recovered, the pool is not asked.
            new("starting", world.Group, nameof(WorkloadStatus.Starting)),
        };

        var recovered = await QueuedInPool.NeedingRecoveryAsync(fixture.Grains, rows, NullLogger.Instance);

        Assert.Equal(["holder", "starting", "stranded"], recovered.Order(StringComparer.Ordinal));
        // Asking changed nothing in the pool.
        var view = await pool.GetView();
        Assert.Equal(3, view.Queue.Count);
        Assert.Equal("holder", view.Running.Single().Id);
    }
}
