using DKube.Abstractions.Pools;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using Npgsql;
using static DKube.Grains.Tests.Infrastructure.Claims;

namespace DKube.Grains.Tests.Workloads;

/// <summary>
/// A run that queues for GPUs is answered once its acceptance (Queued) and the pool's queue entry
/// are stored; that it waits for GPUs is stored behind the answer. Pinned here: the waiting state
/// does reach storage and the listing, and a change made right after it (a stop) is stored after
/// it, so the end is what stays.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class WorkloadWriteBehindTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_queued_run_is_stored_and_listed_as_waiting_for_gpus_with_its_position()
    {
        var (world, run) = await QueuedRunAsync();

        var id = run.GetPrimaryKeyString();
        await Eventually.Until(() => ListedStatusAsync(id), s => s == nameof(WorkloadStatus.WaitingForGpus), what: "the listing row of the waiting run");
        // A new activation reads what is stored.
        await fixture.DeactivateAsync(run);
        var stored = (await run.Get())!;
        Assert.Equal((WorkloadStatus.WaitingForGpus, 1), (stored.Status, stored.QueuePosition));
        Assert.Equal(0, world.StartsOf(id));
    }

    [Fact]
    public async Task A_stop_right_after_a_queued_submission_is_stored_after_the_waiting_state()
    {
        var (world, run) = await QueuedRunAsync();

        Assert.Equal(WorkloadStatus.Stopped, (await run.Stop()).Status);

        await fixture.DeactivateAsync(run);
        Assert.Equal(WorkloadStatus.Stopped, (await run.Get())!.Status);
        Assert.Equal(nameof(WorkloadStatus.Stopped), await ListedStatusAsync(run.GetPrimaryKeyString()));
        Assert.DoesNotContain((await fixture.Grains.GetGrain<IGroupPoolGrain>(world.Group).GetView()).Queue, e => e.Id == run.GetPrimaryKeyString());
    }

    /// <summary>A group of one GPU that a foreign request holds, and a one-GPU run submitted behind it.</summary>
    private async Task<(WorkloadWorld World, IWorkloadGrain Run)> QueuedRunAsync()
    {
        var world = await WorkloadWorld.CreateAsync(fixture, groupGpus: 1);
        Assert.Equal(PoolOutcome.Admitted, (await fixture.Grains.GetGrain<IGroupPoolGrain>(world.Group).Submit(Request(GrainClusterFixture.NewKey("holder"), 1))).Outcome);
        var run = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("w"));
        var answered = await run.Create(WorkloadType.Run, world.Run("true"), WorkloadWorld.Owner, null, null);
        Assert.Equal(WorkloadStatus.WaitingForGpus, answered.Status);
        return (world, run);
    }

    private async Task<string?> ListedStatusAsync(string id)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status FROM dkube_resources WHERE kind = 'run' AND id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        return (string?)await command.ExecuteScalarAsync();
    }
}
