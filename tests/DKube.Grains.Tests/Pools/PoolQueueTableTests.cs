using DKube.Abstractions.Pools;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Tests.Infrastructure;
using Npgsql;
using static DKube.Grains.Tests.Infrastructure.Claims;

namespace DKube.Grains.Tests.Pools;

/// <summary>
/// The pool's queue is one row per waiting request beside its state: stored before a submit is
/// answered, removed as requests leave or start, read back in order on activation, and never part
/// of the state itself (whose size does not grow with the queue).
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class PoolQueueTableTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_queued_answer_means_its_row_is_stored_and_the_queue_comes_back_in_order_with_kinds_after_deactivation()
    {
        var (name, pool) = await NewPoolAsync();
        Assert.Equal(PoolOutcome.Admitted, (await pool.Submit(Request("holder", 1))).Outcome);
        var ids = Enumerable.Range(0, 8).Select(i => $"w{i}").ToList();
        foreach (var id in ids)
        {
            var decision = await pool.Submit(Request(id, 1) with { Kind = id == "w0" ? "ide" : "run", OwnerOnly = id == "w5" });
            Assert.Equal(PoolOutcome.Queued, decision.Outcome);
            // Answered only once stored: the row is there now, without any deactivation.
            Assert.Contains(id, await RowsAsync(name));
        }

        await pool.Release("w3");
        Assert.Equal(["w0", "w1", "w2", "w4", "w5", "w6", "w7"], await RowsAsync(name));

        await fixture.DeactivateAsync(pool);
        var view = await pool.GetView();
        Assert.Equal(["w0", "w1", "w2", "w4", "w5", "w6", "w7"], view.Queue.Select(e => e.Id));
        Assert.Equal(Enumerable.Range(1, 7), view.Queue.Select(e => e.Position));
        Assert.Equal("ide", view.Queue[0].Kind);
        Assert.True(view.Queue.Single(e => e.Id == "w5").OwnerOnly);
        // A resubmission after the reload (a retry) keeps its place.
        Assert.Equal(4, (await pool.Submit(Request("w4", 1))).Position);

        // The holder ends: the head starts, leaves the table, and keeps its kind as it runs, across another reload.
        await pool.Release("holder");
        Assert.Equal(["w1", "w2", "w4", "w5", "w6", "w7"], await RowsAsync(name));
        await fixture.DeactivateAsync(pool);
        view = await pool.GetView();
        Assert.Equal(("w0", "ide"), (view.Running.Single().Id, view.Running.Single().Kind));
        Assert.Equal(["w1", "w2", "w4", "w5", "w6", "w7"], view.Queue.Select(e => e.Id));
        Assert.Equal(PoolOutcome.Queued, (await pool.Submit(Request("w8", 1))).Outcome);
        Assert.Equal("w8", (await pool.GetView()).Queue[^1].Id);
    }

    [Fact]
    public async Task The_stored_state_does_not_grow_with_the_queue()
    {
        var (name, pool) = await NewPoolAsync();
        await pool.Submit(Request("holder", 1));
        for (var i = 0; i < 5; i++)
        {
            await pool.Submit(Request($"a{i}", 1));
        }

        var small = await StateBytesAsync(name);
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => pool.Submit(Request($"b{i:D3}", 1))));

        Assert.Equal(305, (await RowsAsync(name)).Count);
        // Each waiting request weighed about 250 bytes in the state before the queue had its table;
        // now only the entry counter grows (a few bytes of varint).
        Assert.InRange(await StateBytesAsync(name) - small, 0, 16);
    }

    [Fact]
    /// <summary><see cref="IGroupPoolGrain.SubmitMany"/>: decided in order as single submissions (places, quota and unknown cluster per entry), idempotent per id, one write.</summary>
    public async Task A_batch_is_answered_per_entry_in_order_with_one_write_of_the_pool()
    {
        var (name, pool) = await NewPoolAsync();
        await fixture.Grains.GetGrain<IGroupGrain>(name).SetLimits(GroupLimits.None with { QueuedPerUser = 3 });
        var before = await VersionAsync(pool);

        var decisions = await pool.SubmitMany(
        [
            Request("a", 1), Request("b", 1), Request("c", 1), Request("elsewhere", 1, cluster: "no-such-cluster"), Request("d", 1), Request("e", 1),
        ]);

        Assert.Equal(
            [PoolOutcome.Admitted, PoolOutcome.Queued, PoolOutcome.Queued, PoolOutcome.Rejected, PoolOutcome.Queued, PoolOutcome.Rejected],
            decisions.Select(d => d.Outcome));
        Assert.Equal([null, 1, 2, null, 3, null], decisions.Select(d => d.Position));
        Assert.Equal("unknown-cluster", decisions[3].RejectionCode);
        Assert.Equal("quota-exceeded", decisions[5].RejectionCode);
        Assert.Equal(new QuotaUse(name, "queued-per-user", 3, 3), decisions[5].Quota);
        Assert.Equal(before + 1, await VersionAsync(pool));
        Assert.Equal(["b", "c", "d"], await RowsAsync(name));

        // Submitted again (a retried batch): the same answers, nothing written.
        var again = await pool.SubmitMany([Request("a", 1), Request("b", 1), Request("d", 1)]);
        Assert.Equal([PoolOutcome.Admitted, PoolOutcome.Queued, PoolOutcome.Queued], again.Select(d => d.Outcome));
        Assert.Equal([null, 1, 3], again.Select(d => d.Position));
        Assert.Equal(before + 1, await VersionAsync(pool));

        // Stored as decided: after deactivation the pool holds the same.
        await fixture.DeactivateAsync(pool);
        var view = await pool.GetView();
        Assert.Equal(["a"], view.Running.Select(r => r.Id));
        Assert.Equal(["b", "c", "d"], view.Queue.Select(q => q.Id));
    }

    private async Task<(string Name, IGroupPoolGrain Pool)> NewPoolAsync()
    {
        var cluster = await fixture.Grains.NewClusterAsync(1);
        var name = GrainClusterFixture.NewKey("g");
        await fixture.Grains.GetGrain<IGroupGrain>(name).Create(1, [cluster.Name()], null, null);
        return (name, fixture.Grains.GetGrain<IGroupPoolGrain>(name));
    }

    private async Task<long> VersionAsync(IGroupPoolGrain pool)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version FROM dkube_grain_state WHERE state_name = 'pool' AND grain_id = @grain", connection);
        command.Parameters.AddWithValue("grain", pool.GetGrainId().ToString());
        return await command.ExecuteScalarAsync() is long version ? version : 0;
    }

    private async Task<List<string>> RowsAsync(string pool)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT request_id FROM dkube_queue_entries WHERE pool = @pool ORDER BY seq", connection);
        command.Parameters.AddWithValue("pool", pool);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private async Task<int> StateBytesAsync(string pool)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT length(payload) FROM dkube_grain_state WHERE state_name = 'pool' AND grain_id LIKE '%/' || @pool", connection);
        command.Parameters.AddWithValue("pool", pool);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
