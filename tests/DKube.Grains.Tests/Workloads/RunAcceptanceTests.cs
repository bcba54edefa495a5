using System.Text.Json;
using DKube.Abstractions.Common;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Workloads;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DKube.Grains.Tests.Workloads;

/// <summary>
/// A batch of runs accepted set-wise (<see cref="IRunAcceptanceGrain"/>): stored in one flush as the
/// workload grain stores a new run, submitted to the pool once per batch, no grain activated until
/// the pool admits one; a run stored but never submitted is submitted by the recovery.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class RunAcceptanceTests(GrainClusterFixture fixture)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    private IRunAcceptanceGrain Acceptance => fixture.Grains.GetGrain<IRunAcceptanceGrain>(0);

    private GrainStateBatcher Batcher => fixture.Services.GetRequiredService<GrainStateBatcher>();

    [Fact]
    public async Task A_batch_is_stored_in_one_flush_queues_and_each_run_is_admitted_and_runs_once_as_gpus_free()
    {
        var world = await WorkloadWorld.CreateAsync(fixture, groupGpus: 2);
        var runs = Enumerable.Range(0, 6).Select(_ => new RunSubmission(GrainClusterFixture.NewKey("w"), world.Run("sleep 0.2"), WorkloadWorld.Owner, null, null)).ToList();
        var flushes = Batcher.Flushes;

        var answers = await Acceptance.Accept(runs);

        // Every state and listing row in one transaction (other tests' writes may add flushes of their own, not split this one).
        Assert.InRange(Batcher.Flushes - flushes, 1, 3);
        Assert.Equal(6, await CountAsync($"SELECT count(*) FROM dkube_resources WHERE kind = 'run' AND group_name = '{world.Group}'"));
        Assert.All(answers, a => Assert.Null(a.Refusal));
        Assert.Equal(runs.Select(r => r.Id), answers.Select(a => a.View!.Id));
        Assert.Equal([WorkloadStatus.Queued, WorkloadStatus.Queued, .. Enumerable.Repeat(WorkloadStatus.WaitingForGpus, 4)], answers.Select(a => a.View!.Status));
        Assert.Equal([null, null, 1, 2, 3, 4], answers.Select(a => a.View!.QueuePosition));

        foreach (var run in runs)
        {
            Assert.Equal(WorkloadStatus.Complete, (await WorkloadWorld.FinalAsync(fixture.Grains.GetGrain<IWorkloadGrain>(run.Id))).Status);
            Assert.Equal(1, world.StartsOf(run.Id));
        }
    }

    [Fact]
    public async Task A_bulk_stored_run_activates_with_the_state_and_etag_its_own_create_would_have_stored()
    {
        var world = await WorkloadWorld.CreateAsync(fixture, groupGpus: 1);
        var holder = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("w"));
        var spec = world.Run("sleep 600");
        await holder.Create(WorkloadType.Run, spec, WorkloadWorld.Owner, null, null);
        var single = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("w"));
        var created = await single.Create(WorkloadType.Run, spec, WorkloadWorld.Owner, "from", "tpl");
        var bulk = new RunSubmission(GrainClusterFixture.NewKey("w"), spec, WorkloadWorld.Owner, "from", "tpl");

        var answer = (await Acceptance.Accept([bulk])).Single().View!;

        var stored = (await fixture.Grains.GetGrain<IWorkloadGrain>(bulk.Id).Get())!;
        Assert.Equal(WorkloadStatus.Queued, stored.Status);
        Assert.Equal(1L, await CountAsync($"SELECT version FROM dkube_grain_state WHERE state_name = 'workload' AND grain_id LIKE '%/{bulk.Id}'"));
        // The same view as the grain's own create, but for what differs by nature (id, time) and the
        // write behind that notes the pool's place (the answer told it).
        Assert.Equal(JsonOf(created with { Id = bulk.Id, CreatedAt = stored.CreatedAt, Status = WorkloadStatus.Queued, QueuePosition = null }), JsonOf(stored));
        Assert.Equal(JsonOf(stored with { Status = WorkloadStatus.WaitingForGpus, QueuePosition = 2 }), JsonOf(answer));

        // Its next write is checked against the version it read (ETag 1): it lands.
        Assert.Equal(WorkloadStatus.Stopped, (await fixture.Grains.GetGrain<IWorkloadGrain>(bulk.Id).Stop()).Status);
        Assert.Equal(2L, await CountAsync($"SELECT version FROM dkube_grain_state WHERE state_name = 'workload' AND grain_id LIKE '%/{bulk.Id}'"));
        await single.Stop();
        await holder.Stop();
    }

    [Fact]
    public async Task An_id_stored_already_is_left_to_its_grain_and_a_refused_run_leaves_no_trace()
    {
        var world = await WorkloadWorld.CreateAsync(fixture, groupGpus: 4);
        var existing = GrainClusterFixture.NewKey("w");
        var first = await fixture.Grains.GetGrain<IWorkloadGrain>(existing).Create(WorkloadType.Run, world.Run("true"), WorkloadWorld.Owner, null, null);
        var refused = new RunSubmission(GrainClusterFixture.NewKey("w"), world.Run("true") with { Cluster = "no-such-cluster" }, WorkloadWorld.Owner, null, null);
        var fine = new RunSubmission(GrainClusterFixture.NewKey("w"), world.Run("true"), WorkloadWorld.Owner, null, null);

        var answers = await Acceptance.Accept([new RunSubmission(existing, world.Run("other"), WorkloadWorld.Owner, null, null), refused, fine]);

        Assert.Equal(RunAcceptance.NotAccepted, answers[0]);
        Assert.Equal(first.CreatedAt, (await fixture.Grains.GetGrain<IWorkloadGrain>(existing).Get())!.CreatedAt);
        Assert.Equal("unknown-cluster", answers[1].Refusal!.RejectionCode);
        Assert.Null(await fixture.Grains.GetGrain<IWorkloadGrain>(refused.Id).Get());
        Assert.Equal(0L, await CountAsync($"SELECT count(*) FROM dkube_resources WHERE id = '{refused.Id}'"));
        Assert.Equal(WorkloadStatus.Complete, (await WorkloadWorld.FinalAsync(fixture.Grains.GetGrain<IWorkloadGrain>(fine.Id))).Status);
    }

    [Fact]
    public async Task A_run_stored_but_never_submitted_to_its_pool_is_found_and_submitted_by_the_recovery()
    {
        // What a silo killed between the batch's commit and its pool submission leaves: stored Queued runs the pool never heard of.
        var world = await WorkloadWorld.CreateAsync(fixture, groupGpus: 1);
        var ids = Enumerable.Range(0, 3).Select(_ => GrainClusterFixture.NewKey("w")).ToList();
        var states = ids.Select(id => (fixture.Grains.GetGrain<IWorkloadGrain>(id).GetGrainId(), new WorkloadState
        {
            View = new WorkloadView(id, "r", WorkloadType.Run, "training", WorkloadWorld.Owner, world.Group, null, WorkloadStatus.Queued,
                null, null, null, null, DateTimeOffset.UtcNow, null, null, world.Run("true"), null, null, 1),
        })).ToList();
        Assert.All(await fixture.Services.GetRequiredService<GrainStateBulkWriter>().InsertManyAsync("workload", states), Assert.Null);
        Assert.Empty((await fixture.Grains.GetGrain<Abstractions.Pools.IGroupPoolGrain>(world.Group).GetView()).Queue);

        // What the start-up recovery and the reconciler's sweep select (unfinished, resp. transitional and unchanged): these runs too.
        var found = await fixture.Services.GetRequiredService<ReadModelWriter>().FindByStatusAsync(ResourceKinds.Run, [nameof(WorkloadStatus.Queued)]);
        // ...and that their pool does not hold queued, so the recovery asks them to recover.
        var recovering = await QueuedInPool.NeedingRecoveryAsync(fixture.Grains, found.Where(r => ids.Contains(r.Id)).ToList(), NullLogger.Instance);
        Assert.Equal(ids.Order(StringComparer.Ordinal), recovering.Order(StringComparer.Ordinal));
        await WorkloadRecovery.RecoverEachAsync(fixture.Grains, recovering, TimeSpan.Zero, NullLogger.Instance);

        foreach (var id in ids)
        {
            Assert.Equal(WorkloadStatus.Complete, (await WorkloadWorld.FinalAsync(fixture.Grains.GetGrain<IWorkloadGrain>(id))).Status);
            Assert.Equal(1, world.StartsOf(id));
        }
    }

    private static string JsonOf(WorkloadView view) => JsonSerializer.Serialize(view, Json);

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
