using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Tests.Infrastructure;
using DKube.Storage.Grains;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DKube.Grains.Tests.Persistence;

/// <summary>Grains on the batched storage: shared flushes, read-model rows and names in the state's transaction, memory rolled back when a write fails.</summary>
[Collection(GrainCollection.Name)]
public sealed class BatchedStorageTests(GrainClusterFixture fixture)
{
    private GrainStateBatcher Batcher => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<GrainStateBatcher>();

    [Fact]
    public async Task Many_grains_writing_at_once_commit_in_few_transactions_each_with_its_listing_row()
    {
        const int projects = 200;
        var group = GrainClusterFixture.NewKey("g");
        var ids = Enumerable.Range(0, projects).Select(_ => GrainClusterFixture.NewKey("p")).ToList();
        var flushesBefore = Batcher.Flushes;

        await Task.WhenAll(ids.Select((id, i) => fixture.Grains.GetGrain<IProjectGrain>(id).Create($"n{i}", "ann", group, null, false)));

        Assert.InRange(Batcher.Flushes - flushesBefore, 1, projects / 5);
        Assert.Equal(projects, await CountAsync($"SELECT count(*) FROM dkube_resources WHERE kind = 'project' AND group_name = '{group}'"));
        Assert.Equal(projects, await CountAsync($"SELECT count(*) FROM dkube_names WHERE kind = 'project' AND scope = '{group}'"));
    }

    [Fact]
    public async Task A_name_another_project_holds_is_a_409_and_the_grain_keeps_nothing_of_it()
    {
        var group = GrainClusterFixture.NewKey("g");
        var first = GrainClusterFixture.NewKey("p");
        var second = fixture.Grains.GetGrain<IProjectGrain>(GrainClusterFixture.NewKey("p"));
        await fixture.Grains.GetGrain<IProjectGrain>(first).Create("same", "ann", group, null, false);

        var refused = await Assert.ThrowsAsync<DomainException>(() => second.Create("same", "bob", group, null, false));

        Assert.Equal("name-taken", refused.Code);
        Assert.Null(await second.Get());
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM dkube_resources WHERE kind = 'project' AND group_name = '{group}'"));
        // The loser may take another name; the winner keeps its own.
        Assert.Equal("other", (await second.Create("other", "bob", group, null, false)).Name);
    }

    [Fact]
    public async Task A_write_the_database_refuses_fails_the_call_and_leaves_no_state_in_memory()
    {
        // A group's row must have gpus >= 0: PostgreSQL refuses the flush that holds this write.
        var group = fixture.Grains.GetGrain<IGroupGrain>(GrainClusterFixture.NewKey("g"));

        await Assert.ThrowsAnyAsync<Exception>(() => group.Create(-1, [], null, null));

        Assert.Null(await group.Get());
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM dkube_grain_state WHERE grain_id LIKE '%/{group.GetPrimaryKeyString()}'"));
    }

    [Fact]
    public async Task A_refused_write_fails_alone_and_the_writes_that_shared_its_flush_are_stored()
    {
        // Forty groups created at once share flushes with the one the database refuses.
        var good = Enumerable.Range(0, 40).Select(_ => fixture.Grains.GetGrain<IGroupGrain>(GrainClusterFixture.NewKey("g"))).ToList();
        var bad = fixture.Grains.GetGrain<IGroupGrain>(GrainClusterFixture.NewKey("g"));

        var creates = good.Select(g => g.Create(2, [], null, null)).ToList();
        var refused = bad.Create(-1, [], null, null);
        await Assert.ThrowsAnyAsync<Exception>(() => refused);
        await Task.WhenAll(creates);

        Assert.Null(await bad.Get());
        foreach (var group in good)
        {
            Assert.Equal(2, (await group.Get())!.Gpus);
        }

        var keys = string.Join(",", good.Select(g => $"'{g.GetPrimaryKeyString()}'"));
        Assert.Equal(good.Count, await CountAsync($"SELECT count(*) FROM dkube_groups WHERE name IN ({keys})"));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
