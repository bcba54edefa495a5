using System.Diagnostics;
using Npgsql;

namespace DKube.Storage.Grains;

/// <summary>
/// The state look-ups of activating grains, coalesced: a look-up that finds none in flight goes
/// to PostgreSQL at once (a lone activation waits no longer than for its own statement); those
/// that come while one is in flight queue and go together in the next statement
/// (<c>unnest</c> of the keys, one round trip and one implicit transaction for all of them), so
/// a burst of new grains (every <c>POST /runs</c> activates one) costs one statement per cycle
/// instead of one each. The mirror of <see cref="GrainStateBatcher"/>'s group commit, for reads.
/// </summary>
internal sealed class GrainStateReads
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly int _maxBatch;
    private readonly Lock _gate = new();
    private List<PendingRead> _waiting = [];
    private bool _inFlight;
    private long _statements;
    private long _reads;
    private long _waitTicks;

    public GrainStateReads(NpgsqlDataSource dataSource, string serviceId, int maxBatch = 1_000) =>
        (_dataSource, _serviceId, _maxBatch) = (dataSource, serviceId, maxBatch);

    /// <summary>Statements sent so far (reads / statements is the coalescing achieved).</summary>
    public long Statements => Interlocked.Read(ref _statements);

    /// <summary>Look-ups answered so far.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Summed time look-ups waited, from their ask to their answer.</summary>
    public TimeSpan Wait => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _waitTicks));

    public Task<StoredState?> ReadAsync(string grainId, string stateName)
    {
        var read = new PendingRead(grainId, stateName);
        lock (_gate)
        {
            _waiting.Add(read);
            if (_inFlight)
            {
                return read.Done.Task;
            }

            _inFlight = true;
        }

        // On the thread pool: the caller is an activating grain, whose scheduler must not run the pump.
        _ = Task.Run(PumpAsync);
        return read.Done.Task;
    }

    /// <summary>Sends what waits, then what came meanwhile, until nothing waits (one statement in flight).</summary>
    private async Task PumpAsync()
    {
        while (true)
        {
            List<PendingRead> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _inFlight = false;
                    return;
                }

                if (_waiting.Count <= _maxBatch)
                {
                    (batch, _waiting) = (_waiting, []);
                }
                else
                {
                    batch = _waiting[.._maxBatch];
                    _waiting.RemoveRange(0, _maxBatch);
                }
            }

            await ReadBatchAsync(batch);
        }
    }

    private async Task ReadBatchAsync(List<PendingRead> batch)
    {
        var found = new Dictionary<(string, string), StoredState>(batch.Count);
        try
        {
            await using var command = _dataSource.CreateCommand("""
                SELECT s.grain_id, s.state_name, s.version, s.payload
                FROM unnest(@grain, @state) AS t(g, n)
                JOIN dkube_grain_state s ON s.service_id = @service AND s.grain_id = t.g AND s.state_name = t.n
                """);
            command.Parameters.AddWithValue("service", _serviceId);
            command.Parameters.AddWithValue("grain", batch.Select(r => r.GrainId).ToArray());
            command.Parameters.AddWithValue("state", batch.Select(r => r.StateName).ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                found[(reader.GetString(0), reader.GetString(1))] =
                    new StoredState(reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3));
            }
        }
        catch (Exception e)
        {
            // Nothing was read: every activation of the batch fails as its own look-up would have.
            Count(batch);
            foreach (var read in batch)
            {
                read.Done.TrySetException(e);
            }

            return;
        }

        Count(batch);
        foreach (var read in batch)
        {
            read.Done.TrySetResult(found.GetValueOrDefault((read.GrainId, read.StateName)));
        }
    }

    private void Count(List<PendingRead> batch)
    {
        var answered = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _statements);
        Interlocked.Add(ref _reads, batch.Count);
        Interlocked.Add(ref _waitTicks, batch.Sum(r => answered - r.Asked));
    }
}
