using DKube.Abstractions.Errors;
using DKube.Storage.Grains;
using DKube.Storage.Migrations;
using DKube.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace DKube.Storage.Tests;

/// <summary>The batched grain storage on a real PostgreSQL: group commit, version checks, projections and name claims in one transaction.</summary>
public sealed class BatchedGrainStorageTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private GrainStateBatcher _batcher = null!;
    private BatchedGrainStorage _storage = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.NewDatabaseAsync();
        await MigrationRunner.MigrateAsync(connectionString);
        _db = NpgsqlDataSource.Create(connectionString);
        _batcher = new GrainStateBatcher(_db, "test", NullLogger<GrainStateBatcher>.Instance);
        _services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(NoteState).Assembly)).BuildServiceProvider();
        _storage = new BatchedGrainStorage(_batcher, _db, ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(_services), legacy: null);
    }

    public async Task DisposeAsync()
    {
        await _batcher.DisposeAsync();
        await _db.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task ConcurrentWritesOfManyGrainsCommitInFewTransactions()
    {
        const int grains = 400;
        var flushesBefore = _batcher.Flushes;
        var states = Enumerable.Range(0, grains).Select(i => new GrainState<NoteState>(new NoteState { Name = $"n{i}" })).ToList();

        await Task.WhenAll(states.Select((state, i) => _storage.WriteStateAsync("note", Id($"c{i}"), state)));

        var flushes = _batcher.Flushes - flushesBefore;
        Assert.InRange(flushes, 1, grains / 10);
        Assert.All(states, s => Assert.Equal("1", s.ETag));
        Assert.Equal(grains, await CountAsync("SELECT count(*) FROM dkube_grain_state"));
        Assert.Equal(grains, await CountAsync("SELECT count(*) FROM dkube_resources WHERE kind = 'note'"));
        var read = new GrainState<NoteState>(new NoteState());
        await _storage.ReadStateAsync("note", Id("c7"), read);
        Assert.Equal(("n7", "1", true), (read.State!.Name, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task AWriteFromAStaleVersionIsRefusedAndChangesNothing()
    {
        var first = new GrainState<NoteState>(new NoteState { Name = "kept" });
        await _storage.WriteStateAsync("note", Id("s"), first);
        var stale = new GrainState<NoteState>(new NoteState { Name = "lost" }) { ETag = first.ETag };
        await _storage.WriteStateAsync("note", Id("s"), first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("note", Id("s"), stale));
        // A second activation that never read a row cannot overwrite one either.
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("note", Id("s"), new GrainState<NoteState>(new NoteState { Name = "new" })));

        var read = new GrainState<NoteState>(new NoteState());
        await _storage.ReadStateAsync("note", Id("s"), read);
        Assert.Equal(("kept", "2"), (read.State!.Name, read.ETag));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM dkube_resources WHERE name <> 'kept'"));
    }

    [Fact]
    public async Task TheReadModelRowAndNameAreStoredWithTheStateAndLeaveWithItsClear()
    {
        var state = new GrainState<NoteState>(new NoteState { Name = "p" });
        await _storage.WriteStateAsync("note", Id("p1"), state);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM dkube_resources WHERE kind = 'note' AND id = 'p1'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM dkube_names WHERE kind = 'note' AND name = 'p' AND id = 'p1'"));

        await _storage.ClearStateAsync("note", Id("p1"), state);

        Assert.Equal(0, await CountAsync("SELECT count(*) FROM dkube_resources WHERE id = 'p1'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM dkube_names WHERE id = 'p1'"));
        var read = new GrainState<NoteState>(new NoteState());
        await _storage.ReadStateAsync("note", Id("p1"), read);
        Assert.False(read.RecordExists);
        // The name is free again for another resource.
        await _storage.WriteStateAsync("note", Id("p2"), new GrainState<NoteState>(new NoteState { Name = "p" }));
    }

    [Fact]
    public async Task ANameAnotherResourceHoldsRefusesOnlyThatWriteAndStoresNothingOfIt()
    {
        await _storage.WriteStateAsync("note", Id("h1"), new GrainState<NoteState>(new NoteState { Name = "same" }));

        var taken = _storage.WriteStateAsync("note", Id("h2"), new GrainState<NoteState>(new NoteState { Name = "same" }));
        var other = _storage.WriteStateAsync("note", Id("h3"), new GrainState<NoteState>(new NoteState { Name = "other" }));

        var refused = await Assert.ThrowsAsync<DomainException>(() => taken);
        Assert.Equal("name-taken", refused.Code);
        await other;
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM dkube_grain_state WHERE grain_id LIKE '%/h2'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM dkube_resources WHERE id = 'h2'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM dkube_resources WHERE id = 'h3'"));
    }

    [Fact]
    public async Task AWriteTheDatabaseRefusesFailsAloneAndTheRestOfItsFlushIsStored()
    {
        await _storage.WriteStateAsync("note", Id("blocker"), new GrainState<NoteState>(new NoteState()));
        Task held;
        Task bad;
        List<Task> batch;
        await using (var connection = await _db.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            // Hold the blocker's row, so the next flush waits and the writes below queue up behind it.
            await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM dkube_grain_state WHERE grain_id LIKE '%/blocker' FOR UPDATE", connection, transaction))
            {
                await lockRow.ExecuteNonQueryAsync();
            }

            held = _storage.WriteStateAsync("note", Id("blocker"), new GrainState<NoteState>(new NoteState()) { ETag = "1" });
            await WaitUntilBlockedAsync();
            batch = [.. Enumerable.Range(0, 20).Select(i => _storage.WriteStateAsync("note", Id($"f{i}"), new GrainState<NoteState>(new NoteState { Name = $"f{i}" })))];
            // One write whose projection PostgreSQL refuses (a group with negative GPUs) in the same flush.
            bad = _storage.WriteStateAsync("note", Id("bad"), new GrainState<NoteState>(new NoteState { Gpus = -1 }));
            await transaction.RollbackAsync();
        }

        await held;
        // The flush is split until the refused write is alone: it fails, the others are stored.
        await Assert.ThrowsAsync<PostgresException>(() => bad);
        await Task.WhenAll(batch);
        Assert.Equal(20, await CountAsync("SELECT count(*) FROM dkube_grain_state WHERE grain_id NOT LIKE '%/blocker'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM dkube_grain_state WHERE grain_id LIKE '%/bad'"));
        Assert.Equal(20, await CountAsync("SELECT count(*) FROM dkube_resources"));
        // The batcher goes on: the next write is stored.
        await _storage.WriteStateAsync("note", Id("after"), new GrainState<NoteState>(new NoteState { Name = "after" }));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM dkube_resources WHERE id = 'after'"));
    }

    [Fact]
    public async Task ListedStatesWithQueueEntriesAreStoredTogetherAndAStaleWriteAmongThemIsRefusedAlone()
    {
        // Submissions' writes (state, listing row, queue entry) go in one batch of statements; one
        // of them from a stale activation must still be refused alone, the others stored.
        await _storage.WriteStateAsync("note", Id("t-stale"), new GrainState<NoteState>(new NoteState { Title = "first" }));
        var writes = Enumerable.Range(0, 60).Select(i => _storage.WriteStateAsync("note", Id($"t{i}"), new GrainState<NoteState>(new NoteState { Title = $"t{i}" }))).ToList();
        var stale = _storage.WriteStateAsync("note", Id("t-stale"), new GrainState<NoteState>(new NoteState { Title = "second" }));
        writes.AddRange(Enumerable.Range(60, 60).Select(i => _storage.WriteStateAsync("note", Id($"t{i}"), new GrainState<NoteState>(new NoteState { Title = $"t{i}" }))));

        await Assert.ThrowsAsync<InconsistentStateException>(() => stale);
        await Task.WhenAll(writes);
        Assert.Equal(121, await CountAsync("SELECT count(*) FROM dkube_resources WHERE kind = 'titled'"));
        Assert.Equal(121, await CountAsync("SELECT count(*) FROM dkube_queue_entries WHERE pool = 'q'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM dkube_resources WHERE kind = 'titled' AND name = 'first'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM dkube_resources WHERE name = 'second'"));
        var read = new GrainState<NoteState>(new NoteState());
        await _storage.ReadStateAsync("note", Id("t7"), read);
        Assert.Equal(("t7", "1"), (read.State!.Title, read.ETag));
    }

    [Fact]
    public async Task GrainsActivatingAtOnceReadInFewStatementsAndEachGetsItsOwnState()
    {
        const int grains = 300;
        await Task.WhenAll(Enumerable.Range(0, grains / 2).Select(i => _storage.WriteStateAsync("note", Id($"r{i}"), new GrainState<NoteState>(new NoteState { Name = $"r{i}" }))));
        var cleared = new GrainState<NoteState>(new NoteState { Name = "gone" });
        await _storage.WriteStateAsync("note", Id("r-cleared"), cleared);
        await _storage.ClearStateAsync("note", Id("r-cleared"), cleared);
        var statementsBefore = _batcher.ReadStatements;
        var readsBefore = _batcher.StateReads;

        // Half the grains have rows, half are new (as every POST /runs activates one), and one was cleared.
        var keys = Enumerable.Range(0, grains).Select(i => $"r{i}").Append("r-cleared").ToList();
        var states = keys.Select(_ => new GrainState<NoteState>(new NoteState())).ToList();
        await Task.WhenAll(keys.Select((key, i) => _storage.ReadStateAsync("note", Id(key), states[i])));

        Assert.Equal(grains + 1, _batcher.StateReads - readsBefore);
        Assert.InRange(_batcher.ReadStatements - statementsBefore, 1, grains / 10);
        for (var i = 0; i < grains; i++)
        {
            var expected = i < grains / 2 ? ($"r{i}", "1", true) : ((string?)null, (string?)null, false);
            Assert.Equal(expected, (states[i].State!.Name, states[i].ETag, states[i].RecordExists));
        }

        // The cleared one is no record, but its version counts on (a write must follow it).
        Assert.Equal(((string?)null, "2", false), (states[^1].State!.Name, states[^1].ETag, states[^1].RecordExists));
        Assert.True(_batcher.ReadWait > TimeSpan.Zero);
    }

    [Fact]
    public async Task ALoneReadIsSentAtOnceAndAFailedStatementFailsItsReaders()
    {
        var read = new GrainState<NoteState>(new NoteState());
        var before = _batcher.ReadStatements;
        await _storage.ReadStateAsync("note", Id("alone"), read);
        Assert.Equal((1L, false), (_batcher.ReadStatements - before, read.RecordExists));

        // A storage whose database is gone: the activation fails (it never reads as new), and the next read works again.
        await using var gone = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Database = "no_such_database" }.ConnectionString);
        await using var batcher = new GrainStateBatcher(gone, "test", NullLogger<GrainStateBatcher>.Instance);
        var storage = new BatchedGrainStorage(batcher, gone, ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(_services), legacy: null);
        var failed = await Task.WhenAll(Enumerable.Range(0, 5).Select(async i =>
            await Record.ExceptionAsync(() => storage.ReadStateAsync("note", Id($"x{i}"), new GrainState<NoteState>(new NoteState())))));
        Assert.All(failed, e => Assert.IsAssignableFrom<NpgsqlException>(e));
        await _storage.ReadStateAsync("note", Id("alone"), read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task AGrainWithNoRowIsLookedUpInTheLegacyStorageWhenThatHoldsRows()
    {
        var legacy = new LegacyNotes();
        var storage = new BatchedGrainStorage(_batcher, _db, ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(_services), legacy);
        await _storage.WriteStateAsync("note", Id("l-new"), new GrainState<NoteState>(new NoteState { Name = "new" }));
        await using (var command = _db.CreateCommand(
            "INSERT INTO orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, serviceid) VALUES (1, 0, 0, 1, 'note', 'test')"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var (old, stored, unknown) = (new GrainState<NoteState>(new NoteState()), new GrainState<NoteState>(new NoteState()), new GrainState<NoteState>(new NoteState()));
        await Task.WhenAll(
            storage.ReadStateAsync("note", Id("l-old"), old), storage.ReadStateAsync("note", Id("l-new"), stored), storage.ReadStateAsync("note", Id("l-none"), unknown));

        // A row of this storage wins; a grain without one is asked of the legacy storage (which knows l-old only).
        Assert.Equal(("legacy", true), (old.State!.Name, old.RecordExists));
        Assert.Equal(("new", true), (stored.State!.Name, stored.RecordExists));
        Assert.False(unknown.RecordExists);
        Assert.Equal(["l-old", "l-none"], legacy.Asked.Order().Reverse());
    }

    /// <summary>What the ADO.NET provider stored before this storage: one note, l-old.</summary>
    private sealed class LegacyNotes : IGrainStorage
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Asked { get; } = [];

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Asked.Add(grainId.Key.ToString()!);
            if (grainId.Key.ToString() == "l-old" && grainState is IGrainState<NoteState> note)
            {
                (note.State, note.ETag, note.RecordExists) = (new NoteState { Name = "legacy" }, "7", true);
            }

            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new NotSupportedException();

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new NotSupportedException();
    }

    private static GrainId Id(string key) => GrainId.Create("note", key);

    /// <summary>Waits (on the database's own view) until a flush is waiting for the held row lock.</summary>
    private Task WaitUntilBlockedAsync() => Eventually.Until(
        () => CountAsync("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"),
        waiting => waiting > 0, what: "a flush to wait for the held row");

    private async Task<long> CountAsync(string sql)
    {
        await using var command = _db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
