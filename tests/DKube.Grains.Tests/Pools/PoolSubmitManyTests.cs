using DKube.Abstractions.Pools;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Tests.Infrastructure;
using Npgsql;
using static DKube.Grains.Tests.Infrastructure.Claims;

namespace DKube.Grains.Tests.Pools;

/// <summary>
/// <see cref="IGroupPoolGrain.SubmitMany"/>: a batch decided in order as single submissions would be
/// (places, quota per entry, unknown cluster per entry), idempotent per request id, one stored write.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class PoolSubmitManyTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_batch_is_answered_per_entry_in_order_with_one_write_of_the_pool()
    {
        var (name, pool) = await NewPoolAsync(gpus: 1);
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

    private async Task<(string Name, IGroupPoolGrain Pool)> NewPoolAsync(int gpus)
    {
        var cluster = await fixture.Grains.NewClusterAsync(gpus);
        var name = GrainClusterFixture.NewKey("g");
        await fixture.Grains.GetGrain<IGroupGrain>(name).Create(gpus, [cluster.Name()], null, null);
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
}
