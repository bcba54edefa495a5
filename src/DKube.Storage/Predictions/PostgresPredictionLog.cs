using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DKube.Abstractions.Common;
using DKube.Abstractions.Serving;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace DKube.Storage.Predictions;

/// <summary>
/// The prediction log in PostgreSQL (migration 0030). The gateway's records go through a bounded
/// buffer that one background writer drains, a batch per INSERT, so recording a request costs the
/// request a channel write and nothing else; when the database falls behind, records are dropped
/// and counted rather than making requests wait. Posted predictions are written synchronously:
/// they are acknowledged to a client.
/// </summary>
public sealed class PostgresPredictionLog : IPredictionLog, IAsyncDisposable
{
    /// <summary>Attempts of a background batch before its records are given up (and counted as dropped).</summary>
    private const int WriteAttempts = 3;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _dataSource;
    private readonly PredictionLogOptions _options;
    private readonly ILogger<PostgresPredictionLog> _logger;
    private readonly Channel<PredictionRecord> _buffer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _written;
    private readonly Task _pump;
    private long _droppedCount;
    private long _writtenCount;
    private int _disposed;

    public PostgresPredictionLog(NpgsqlDataSource dataSource, PredictionLogOptions options, IMeterFactory meters, ILogger<PostgresPredictionLog> logger)
    {
        (_dataSource, _options, _logger) = (dataSource, options, logger);
        _buffer = Channel.CreateBounded<PredictionRecord>(new BoundedChannelOptions(Math.Max(1, options.BufferCapacity))
        {
            // TryWrite answers false when full (Wait mode), which is how a drop is seen and counted.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        var meter = meters.Create(DKubeMeters.Name);
        _dropped = meter.CreateCounter<long>("dkube_prediction_log_dropped", description: "Gateway records not logged: the buffer was full, or the database refused their batch.");
        _written = meter.CreateCounter<long>("dkube_prediction_log_written", description: "Gateway records written to the prediction log.");
        meter.CreateObservableGauge("dkube_prediction_log_buffered", () => _buffer.Reader.Count, description: "Gateway records waiting for the prediction log's writer.");
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Records dropped so far by this process (buffer full or batch failed).</summary>
    public long Dropped => Interlocked.Read(ref _droppedCount);

    /// <summary>Records waiting for the background writer.</summary>
    public int Buffered => _buffer.Reader.Count;

    /// <summary>Records of <see cref="TryAppend"/> written so far by this process.</summary>
    public long Written => Interlocked.Read(ref _writtenCount);

    public bool TryAppend(PredictionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_buffer.Writer.TryWrite(record))
        {
            return true;
        }

        Drop(1, "full");
        return false;
    }

    public async Task AppendAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        // One transaction: a posted body is stored whole or not at all.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var chunk in records.Chunk(Math.Max(1, _options.MaxBatch)))
        {
            await InsertAsync(connection, transaction, chunk, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public IAsyncEnumerable<PredictionRecord> ReadAsync(string deployment, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand("""
            SELECT deployment, request_id, at, status, latency_ms, inputs, outputs FROM dkube_predictions
            WHERE deployment = @deployment AND at >= @from AND at < @to
            ORDER BY at, request_id
            """);
        AddWindow(command, deployment, from, to);
        return ReadRecordsAsync(command, cancellationToken);
    }

    public IAsyncEnumerable<PredictionRecord> ReadNewestAsync(string deployment, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        // The window index read backwards from `to`, stopping at the limit; then put back in time order.
        var command = _dataSource.CreateCommand("""
            SELECT * FROM (
                SELECT deployment, request_id, at, status, latency_ms, inputs, outputs FROM dkube_predictions
                WHERE deployment = @deployment AND at >= @from AND at < @to
                ORDER BY at DESC, request_id DESC
                LIMIT @limit) AS newest
            ORDER BY at, request_id
            """);
        AddWindow(command, deployment, from, to);
        command.Parameters.AddWithValue("limit", limit);
        return ReadRecordsAsync(command, cancellationToken);
    }

    public IAsyncEnumerable<PredictionRecord> ReadLabelledAsync(
        string deployment, string monitor, DateTimeOffset labelledFrom, DateTimeOffset labelledTo, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken = default)
    {
        // Each label names its request by id or, for an instance of a batch, by id#n: both forms
        // are looked up by the log's key (deployment, request_id), never by scanning the window.
        var command = _dataSource.CreateCommand("""
            SELECT p.deployment, p.request_id, p.at, p.status, p.latency_ms, p.inputs, p.outputs FROM dkube_predictions p
            WHERE p.deployment = @deployment AND p.at >= @from AND p.at < @to AND p.request_id IN (
                SELECT g.request_id FROM dkube_monitor_ground_truth g
                WHERE g.monitor = @monitor AND g.received_at >= @labelledFrom AND g.received_at < @labelledTo
                UNION
                SELECT regexp_replace(g.request_id, '#[0-9]+$', '') FROM dkube_monitor_ground_truth g
                WHERE g.monitor = @monitor AND g.received_at >= @labelledFrom AND g.received_at < @labelledTo AND g.request_id ~ '#[0-9]+$')
            ORDER BY p.at, p.request_id
            """);
        AddWindow(command, deployment, from, to);
        command.Parameters.AddWithValue("monitor", monitor);
        command.Parameters.AddWithValue("labelledFrom", labelledFrom.ToUniversalTime());
        command.Parameters.AddWithValue("labelledTo", labelledTo.ToUniversalTime());
        return ReadRecordsAsync(command, cancellationToken);
    }

    private static async IAsyncEnumerable<PredictionRecord> ReadRecordsAsync(NpgsqlCommand owned, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = owned;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new PredictionRecord(
                reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetDouble(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6));
        }
    }

    public async Task<IReadOnlyList<PredictionWindowStats>> StatsAsync(string deployment, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bucket, TimeSpan.Zero);
        // Buckets are aligned on `from`; percentiles interpolate between the closest ranks (as
        // numpy's default does), computed by PostgreSQL next to the rows. A posted record without
        // a status or latency (NULL) counts as a request only: count(col) and percentile_cont skip NULLs.
        await using var command = _dataSource.CreateCommand("""
            SELECT date_bin(@bucket, at, @from) AS b, count(*),
                   count(*) FILTER (WHERE status BETWEEN 400 AND 499),
                   count(*) FILTER (WHERE status >= 500),
                   percentile_cont(ARRAY[0.5, 0.95, 0.99]::float8[]) WITHIN GROUP (ORDER BY latency_ms),
                   count(status), count(latency_ms)
            FROM dkube_predictions
            WHERE deployment = @deployment AND at >= @from AND at < @to
            GROUP BY b ORDER BY b
            """);
        AddWindow(command, deployment, from, to);
        command.Parameters.AddWithValue("bucket", NpgsqlDbType.Interval, bucket);
        var stats = new List<PredictionWindowStats>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // No latency in the bucket (posted records without one): the aggregate is NULL, not an array of NULLs.
            var percentiles = reader.IsDBNull(4) ? new double?[3] : reader.GetFieldValue<double?[]>(4);
            stats.Add(new PredictionWindowStats(reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                percentiles[0], percentiles[1], percentiles[2], reader.GetInt64(5), reader.GetInt64(6)));
        }

        return stats;
    }

    /// <summary>Deletes the records older than <paramref name="cutoff"/>, in slices so that no delete holds its locks for long; answers how many went.</summary>
    public async Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        const int slice = 10_000;
        long deleted = 0;
        while (true)
        {
            await using var command = _dataSource.CreateCommand("""
                DELETE FROM dkube_predictions WHERE ctid = ANY (ARRAY(SELECT ctid FROM dkube_predictions WHERE at < @cutoff LIMIT @slice))
                """);
            command.Parameters.AddWithValue("cutoff", cutoff.ToUniversalTime());
            command.Parameters.AddWithValue("slice", slice);
            var count = await command.ExecuteNonQueryAsync(cancellationToken);
            deleted += count;
            if (count < slice)
            {
                return deleted;
            }
        }
    }

    /// <summary>Writes what is buffered, then stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        // Registered under two service types, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _buffer.Writer.TryComplete();
        // A database that is down must not hold a shutdown for the whole retry budget.
        _stopping.CancelAfter(TimeSpan.FromSeconds(10));
        await _pump;
        _stopping.Dispose();
    }

    private async Task PumpAsync()
    {
        var reader = _buffer.Reader;
        var batch = new List<PredictionRecord>(_options.MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            // While a batch is written the next one fills: batches grow with the load.
            batch.Clear();
            while (batch.Count < _options.MaxBatch && reader.TryRead(out var record))
            {
                batch.Add(record);
            }

            await WriteBatchAsync(batch);
        }
    }

    private async Task WriteBatchAsync(List<PredictionRecord> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(_stopping.Token);
                await InsertAsync(connection, null, batch, _stopping.Token);
                _written.Add(batch.Count);
                Interlocked.Add(ref _writtenCount, batch.Count);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException or InvalidOperationException)
            {
                if (attempt >= WriteAttempts || _stopping.IsCancellationRequested || e is PostgresException { SqlState: ['2', '2', ..] or ['2', '3', ..] })
                {
                    // Out of attempts, shutting down, or data the database refuses (which no retry changes).
                    _logger.LogWarning(e, "{Count} prediction log records were not written", batch.Count);
                    Drop(batch.Count, "failed");
                    return;
                }

                _logger.LogDebug("Writing {Count} prediction log records failed ({Error}); retrying", batch.Count, e.Message);
                try
                {
                    await Task.Delay(RetryDelay, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private void Drop(int count, string reason)
    {
        Interlocked.Add(ref _droppedCount, count);
        _dropped.Add(count, new KeyValuePair<string, object?>("reason", reason));
    }

    /// <summary>One multi-row INSERT; a request id already logged for the deployment is kept as it was.</summary>
    private static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<PredictionRecord> records, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO dkube_predictions (deployment, request_id, at, status, latency_ms, inputs, outputs)
            SELECT * FROM unnest(@deployment, @request, @at, @status, @latency, @inputs, @outputs)
            ON CONFLICT (deployment, request_id) DO NOTHING
            """, connection, transaction);
        command.Parameters.AddWithValue("deployment", NpgsqlDbType.Array | NpgsqlDbType.Text, records.Select(r => Text(r.Deployment)).ToArray());
        command.Parameters.AddWithValue("request", NpgsqlDbType.Array | NpgsqlDbType.Text, records.Select(r => Text(r.RequestId)).ToArray());
        command.Parameters.AddWithValue("at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, records.Select(r => r.At.ToUniversalTime()).ToArray());
        command.Parameters.AddWithValue("status", NpgsqlDbType.Array | NpgsqlDbType.Integer, records.Select(r => r.Status).ToArray());
        command.Parameters.AddWithValue("latency", NpgsqlDbType.Array | NpgsqlDbType.Double, records.Select(r => r.LatencyMs).ToArray());
        command.Parameters.AddWithValue("inputs", NpgsqlDbType.Array | NpgsqlDbType.Text, records.Select(r => Text(r.Inputs)).ToArray());
        command.Parameters.AddWithValue("outputs", NpgsqlDbType.Array | NpgsqlDbType.Text, records.Select(r => Text(r.Outputs)).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>PostgreSQL's text cannot hold NUL, which a client may well send: it becomes U+FFFD rather than failing the batch.</summary>
    private static string? Text(string? value) => value is not null && value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

    private static void AddWindow(NpgsqlCommand command, string deployment, DateTimeOffset from, DateTimeOffset to)
    {
        command.Parameters.AddWithValue("deployment", deployment);
        command.Parameters.AddWithValue("from", from.ToUniversalTime());
        command.Parameters.AddWithValue("to", to.ToUniversalTime());
    }
}
