using System.Diagnostics;
using System.Threading.Channels;
using DKube.Storage.ReadModel;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Storage;

namespace DKube.Storage.Grains;

/// <summary>
/// The silo-wide group commit of grain state: writes of any number of grains queue here and are
/// flushed together, each flush one transaction with one multi-row statement for the states and
/// one per kind of read-model row (and of pool queue entry). A write's task completes only after its flush committed, so
/// the caller (and the client a grain answers) is told only what is stored. While a flush is in
/// flight the next one fills, so the batch grows with the load instead of the latency.
/// </summary>
public sealed class GrainStateBatcher : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly int _maxBatch;
    private readonly ILogger<GrainStateBatcher> _logger;
    private readonly Channel<PendingWrite[]> _queue = Channel.CreateUnbounded<PendingWrite[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pump;
    private long _flushes;
    private long _writes;
    private long _writeWaitTicks;

    public GrainStateBatcher(NpgsqlDataSource dataSource, string serviceId, ILogger<GrainStateBatcher> logger, int maxBatch = 2_000)
    {
        (_dataSource, _serviceId, _logger, _maxBatch) = (dataSource, serviceId, logger, maxBatch);
        Reads = new GrainStateReads(dataSource, serviceId);
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The silo-wide coalesced look-ups of activating grains (the reading side of this group commit).</summary>
    internal GrainStateReads Reads { get; }

    /// <summary>Look-up statements sent so far; <see cref="StateReads"/> / this is the coalescing achieved.</summary>
    public long ReadStatements => Reads.Statements;

    /// <summary>Grain state look-ups answered so far.</summary>
    public long StateReads => Reads.Reads;

    /// <summary>Summed time look-ups waited for their answer (queue and statement): over <see cref="StateReads"/>, an activation's read time.</summary>
    public TimeSpan ReadWait => Reads.Wait;

    /// <summary>Summed time writes waited from their enqueue to their commit: over <see cref="Writes"/>, what a write waits for its flush.</summary>
    public TimeSpan WriteWait => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _writeWaitTicks));

    /// <summary>Transactions committed so far (for tests and benchmarks: writes / flushes is the batching achieved).</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>Writes committed or failed so far.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    internal string ServiceId => _serviceId;

    internal Task EnqueueAsync(PendingWrite write)
    {
        EnqueueMany([write]);
        return write.Done.Task;
    }

    /// <summary>
    /// Queues <paramref name="writes"/> so that they go into one flush together (a bulk acceptance:
    /// one transaction, one multi-row statement, however full the flush already is); each write's
    /// <see cref="PendingWrite.Done"/> says how it ended, as for a single write.
    /// </summary>
    internal void EnqueueMany(PendingWrite[] writes)
    {
        if (!_queue.Writer.TryWrite(writes))
        {
            foreach (var write in writes)
            {
                write.Done.SetException(new ObjectDisposedException(nameof(GrainStateBatcher)));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump;
    }

    private async Task PumpAsync()
    {
        var deferred = new List<PendingWrite>();
        var reader = _queue.Reader;
        while (deferred.Count > 0 || await reader.WaitToReadAsync())
        {
            // A grain has one write in flight; two writes of one key in one batch can only come
            // from two activations racing, and one multi-row upsert may not touch a row twice:
            // the later one waits for the next flush (where its version check decides).
            var batch = new List<PendingWrite>();
            var keys = new HashSet<(string, string)>();
            var carried = deferred;
            deferred = [];
            foreach (var write in carried)
            {
                (keys.Add(write.Key) ? batch : deferred).Add(write);
            }

            // A bulk enqueue is taken whole, even past the bound: its writes share one flush.
            while (batch.Count < _maxBatch && reader.TryRead(out var writes))
            {
                foreach (var write in writes)
                {
                    (keys.Add(write.Key) ? batch : deferred).Add(write);
                }
            }

            if (batch.Count > 0)
            {
                await FlushAsync(batch);
            }
        }
    }

    private async Task FlushAsync(List<PendingWrite> batch)
    {
        var started = Stopwatch.GetTimestamp();
        Dictionary<PendingWrite, Exception> refused;
        try
        {
            refused = await CommitAsync(batch);
        }
        catch (PostgresException e) when (batch.Count > 1 && RefusesData(e))
        {
            // The database refused a row of the batch (a constraint, a value it cannot hold): the
            // batch is split and each half committed alone until the bad write is alone and fails,
            // so one bad write never fails the writes that happened to share its flush.
            _logger.LogDebug("A flush of {Count} writes was refused ({Error}); splitting it", batch.Count, e.MessageText);
            var half = batch.Count / 2;
            await FlushAsync(batch[..half]);
            await FlushAsync(batch[half..]);
            return;
        }
        catch (Exception e)
        {
            // Nothing of the batch is stored: every writer learns it and rolls its memory back.
            _logger.LogWarning(e, "A flush of {Count} grain state writes failed", batch.Count);
            Interlocked.Add(ref _writes, batch.Count);
            foreach (var write in batch)
            {
                write.Done.TrySetException(e);
            }

            return;
        }

        // Counted before anyone is answered, so a writer that was answered sees its flush counted.
        Interlocked.Increment(ref _flushes);
        Interlocked.Add(ref _writes, batch.Count);
        var committed = Stopwatch.GetTimestamp();
        Interlocked.Add(ref _writeWaitTicks, batch.Sum(w => committed - w.Enqueued));
        foreach (var write in batch)
        {
            if (refused.TryGetValue(write, out var why))
            {
                write.Done.TrySetException(why);
            }
            else
            {
                write.Done.TrySetResult();
            }
        }

        _logger.LogTrace("Flushed {Count} grain writes in {Elapsed}", batch.Count, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Whether PostgreSQL refused what was written rather than failed to write it: a data exception
    /// (class 22), an integrity constraint (23) or a program limit (54). Those follow one write and
    /// are worth isolating; a lost connection or a shutdown fails any batch alike.
    /// </summary>
    private static bool RefusesData(PostgresException e) => e.SqlState[..2] is "22" or "23" or "54";

    /// <summary>One transaction for the whole batch; answers the writes refused on their own (stale version, name taken).</summary>
    private async Task<Dictionary<PendingWrite, Exception>> CommitAsync(List<PendingWrite> batch)
    {
        if (batch.All(w => w.Projection.RowsAndQueueOnly) && await TryCommitAtOnceAsync(batch))
        {
            return [];
        }

        var refused = new Dictionary<PendingWrite, Exception>();
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        // Writes that claim names are rare (a resource is created): each goes alone behind a
        // savepoint, so a name another resource holds refuses that write and nothing else.
        var plain = new List<PendingWrite>(batch.Count);
        foreach (var write in batch)
        {
            if (write.Projection.Claims.Count == 0)
            {
                plain.Add(write);
                continue;
            }

            await ExecuteAsync(connection, transaction, "SAVEPOINT claim");
            var refusal = await ClaimAsync(connection, transaction, write);
            if (refusal is null && (await WriteStatesAsync(connection, transaction, [write])).Count == 0)
            {
                refusal = Stale(write);
            }

            await ExecuteAsync(connection, transaction, refusal is null ? "RELEASE SAVEPOINT claim" : "ROLLBACK TO SAVEPOINT claim");
            if (refusal is not null)
            {
                refused[write] = refusal;
            }
        }

        if (plain.Count > 0)
        {
            var written = await WriteStatesAsync(connection, transaction, plain);
            foreach (var write in plain.Where(w => !written.Contains(w.Key)))
            {
                refused[write] = Stale(write);
            }
        }

        // The read model follows exactly the states that were stored.
        var stored = batch.Where(w => !refused.ContainsKey(w)).Select(w => w.Projection).ToList();
        await ReadModelSql.UpsertResourcesAsync(connection, transaction, [.. stored.SelectMany(p => p.Resources)], CancellationToken.None);
        await ReadModelSql.DeleteResourcesAsync(connection, transaction, [.. stored.SelectMany(p => p.RemovedResources)], CancellationToken.None);
        await ReadModelSql.ReleaseNamesAsync(connection, transaction, [.. stored.SelectMany(p => p.Releases)], CancellationToken.None);
        await ReadModelSql.AddRepoContentsAsync(connection, transaction, [.. stored.SelectMany(p => p.AddedContents)], CancellationToken.None);
        await ReadModelSql.ClearRepoContentsAsync(connection, transaction, [.. stored.SelectMany(p => p.ClearedRepos)], CancellationToken.None);
        foreach (var user in stored.SelectMany(p => p.Users))
        {
            await ReadModelSql.UpsertUserAsync(connection, transaction, user, CancellationToken.None);
        }

        foreach (var group in stored.SelectMany(p => p.Groups))
        {
            await ReadModelSql.UpsertGroupAsync(connection, transaction, group, CancellationToken.None);
        }

        await QueueEntryStore.WriteAsync(connection, transaction, _serviceId, stored);
        if (stored.Any(p => p.TouchesCallers))
        {
            await ReadModelSql.NotifyCallersChangedAsync(connection, transaction, CancellationToken.None);
        }

        await transaction.CommitAsync();
        return refused;
    }

    /// <summary>
    /// The common flush (states, listing rows, queue entries: what submissions write) in one round
    /// trip: every statement goes in one batch, then the commit, where statement by statement took
    /// four round trips, each a wake-up of PostgreSQL and of this process for the flush that every
    /// waiting write is held by. It assumes every write is at the version it read; when one is not
    /// (two activations raced, rare), nothing is kept and the caller takes the path that refuses it alone.
    /// </summary>
    private async Task<bool> TryCommitAtOnceAsync(List<PendingWrite> batch)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var statements = new NpgsqlBatch(connection, transaction) { BatchCommands = { WriteStates(batch) } };
        var projections = batch.Select(w => w.Projection).ToList();
        if (projections.SelectMany(p => p.Resources).ToList() is { Count: > 0 } rows)
        {
            statements.BatchCommands.Add(ReadModelSql.UpsertResources(rows));
        }

        QueueEntryStore.AddWrites(statements, _serviceId, projections);
        var written = 0;
        await using (var reader = await statements.ExecuteReaderAsync())
        {
            // The states' RETURNING first; the rest are read through, so an error of a later statement surfaces here.
            do
            {
                while (await reader.ReadAsync())
                {
                    written++;
                }
            }
            while (await reader.NextResultAsync());
        }

        if (written != batch.Count)
        {
            await transaction.RollbackAsync();
            return false;
        }

        await transaction.CommitAsync();
        return true;
    }

    private static async Task<Exception?> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PendingWrite write)
    {
        foreach (var claim in write.Projection.Claims)
        {
            if (await ReadModelSql.ClaimNameAsync(connection, transaction, claim, CancellationToken.None) != claim.Id)
            {
                return ReadModelWriter.NameTaken(claim.Kind, claim.Name);
            }
        }

        return null;
    }

    /// <summary>
    /// Stores the states in one statement. A row is written when absent or when it is at the
    /// version the writer read; the keys answered are those written, the others were stale.
    /// </summary>
    private async Task<HashSet<(string, string)>> WriteStatesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PendingWrite> writes)
    {
        await using var statement = new NpgsqlBatch(connection, transaction) { BatchCommands = { WriteStates(writes) } };
        var written = new HashSet<(string, string)>();
        await using var reader = await statement.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            written.Add((reader.GetString(0), reader.GetString(1)));
        }

        return written;
    }

    /// <summary>The statement of <see cref="WriteStatesAsync"/>: it returns the keys it wrote.</summary>
    private NpgsqlBatchCommand WriteStates(IReadOnlyList<PendingWrite> writes)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO dkube_grain_state AS s (service_id, grain_id, state_name, version, payload)
            SELECT @service, g, n, v, p FROM unnest(@grain, @state, @version, @payload) AS t(g, n, v, p)
            ON CONFLICT (service_id, grain_id, state_name) DO UPDATE
                SET version = EXCLUDED.version, payload = EXCLUDED.payload, updated_at = now()
                WHERE s.version = EXCLUDED.version - 1
            RETURNING grain_id, state_name
            """);
        command.Parameters.AddWithValue("service", _serviceId);
        command.Parameters.AddWithValue("grain", writes.Select(w => w.GrainId).ToArray());
        command.Parameters.AddWithValue("state", writes.Select(w => w.StateName).ToArray());
        command.Parameters.AddWithValue("version", writes.Select(w => w.Version).ToArray());
        command.Parameters.Add(new NpgsqlParameter("payload", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bytea)
        {
            Value = writes.Select(w => w.Payload).ToArray(),
        });
        return command;
    }

    private static InconsistentStateException Stale(PendingWrite write) =>
        new($"The state '{write.StateName}' of {write.GrainId} was written by another activation.", "", (write.Version - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }
}
