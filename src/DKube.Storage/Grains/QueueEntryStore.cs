using Npgsql;

namespace DKube.Storage.Grains;

/// <summary>
/// The table of pool queue entries (<c>dkube_queue_entries</c>). Entries are written only through a
/// grain state write (<see cref="Projection.QueueEntry"/>), so they commit with the state that refers
/// to them; this store reads a pool's queue once, when its grain activates.
/// </summary>
public sealed class QueueEntryStore(NpgsqlDataSource dataSource, GrainStateBatcher batcher)
{
    /// <summary>The queue of <paramref name="pool"/> in order.</summary>
    public async Task<IReadOnlyList<QueueEntryRow>> LoadAsync(string pool, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT request_id, seq, payload FROM dkube_queue_entries WHERE service_id = @service AND pool = @pool ORDER BY seq");
        command.Parameters.AddWithValue("service", batcher.ServiceId);
        command.Parameters.AddWithValue("pool", pool);
        var rows = new List<QueueEntryRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new QueueEntryRow(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
        }

        return rows;
    }

    /// <summary>Applies the queue changes of the stored writes, in the flush's transaction: clears, then removals, then upserts (one statement each, sent together).</summary>
    internal static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string serviceId, IReadOnlyList<Projection> stored)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        AddWrites(batch, serviceId, stored);
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Adds the statements of <see cref="WriteAsync"/> (none when nothing changed) to <paramref name="batch"/>.</summary>
    internal static void AddWrites(NpgsqlBatch batch, string serviceId, IReadOnlyList<Projection> stored)
    {
        var cleared = stored.SelectMany(p => p.ClearedQueues).ToArray();
        var removed = stored.SelectMany(p => p.RemovedQueueEntries).ToList();
        var entries = stored.SelectMany(p => p.QueueEntries).ToList();
        if (cleared.Length > 0)
        {
            var clear = new NpgsqlBatchCommand("DELETE FROM dkube_queue_entries WHERE service_id = @service AND pool = ANY(@pool)");
            clear.Parameters.AddWithValue("service", serviceId);
            clear.Parameters.AddWithValue("pool", cleared);
            batch.BatchCommands.Add(clear);
        }

        if (removed.Count > 0)
        {
            var delete = new NpgsqlBatchCommand("""
                DELETE FROM dkube_queue_entries e USING unnest(@pool, @id) AS t(p, i)
                WHERE e.service_id = @service AND e.pool = t.p AND e.request_id = t.i
                """);
            delete.Parameters.AddWithValue("service", serviceId);
            delete.Parameters.AddWithValue("pool", removed.Select(r => r.Pool).ToArray());
            delete.Parameters.AddWithValue("id", removed.Select(r => r.Id).ToArray());
            batch.BatchCommands.Add(delete);
        }

        if (entries.Count > 0)
        {
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO dkube_queue_entries (service_id, pool, request_id, seq, payload)
                SELECT @service, p, i, s, b FROM unnest(@pool, @id, @seq, @payload) AS t(p, i, s, b)
                ON CONFLICT (service_id, pool, request_id) DO UPDATE SET seq = EXCLUDED.seq, payload = EXCLUDED.payload
                """);
            upsert.Parameters.AddWithValue("service", serviceId);
            upsert.Parameters.AddWithValue("pool", entries.Select(e => e.Pool).ToArray());
            upsert.Parameters.AddWithValue("id", entries.Select(e => e.Row.Id).ToArray());
            upsert.Parameters.AddWithValue("seq", entries.Select(e => e.Row.Seq).ToArray());
            upsert.Parameters.Add(new NpgsqlParameter("payload", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bytea)
            {
                Value = entries.Select(e => e.Row.Payload).ToArray(),
            });
            batch.BatchCommands.Add(upsert);
        }
    }
}
