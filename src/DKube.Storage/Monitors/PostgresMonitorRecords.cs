using System.Text.Json;
using DKube.Abstractions.Monitors;
using Npgsql;
using NpgsqlTypes;

namespace DKube.Storage.Monitors;

/// <summary>Monitors' results, alert history and ground truth in PostgreSQL (migrations 0031, 0042, 0049).</summary>
public sealed class PostgresMonitorRecords(NpgsqlDataSource dataSource) : IMonitorRecords
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task AppendResultAsync(string monitor, MonitorResult result, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO dkube_monitor_results (monitor, at, kind, from_at, rows_seen, scores, computed_on, source, note) VALUES (@m, @at, @kind, @from, @rows, @scores, @on, @source, @note)");
        command.Parameters.AddWithValue("m", monitor);
        command.Parameters.AddWithValue("at", result.At.UtcDateTime);
        command.Parameters.AddWithValue("kind", result.Kind);
        command.Parameters.AddWithValue("from", result.From.UtcDateTime);
        command.Parameters.AddWithValue("rows", result.Rows);
        command.Parameters.AddWithValue("scores", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(result.Scores, Json));
        command.Parameters.Add(new NpgsqlParameter("on", NpgsqlDbType.Jsonb) { Value = result.ComputedOn is { } on ? JsonSerializer.Serialize(on, Json) : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("source", NpgsqlDbType.Text) { Value = result.Source ?? (object)DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("note", NpgsqlDbType.Text) { Value = result.Note ?? (object)DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<MonitorResult>> ReadResultsAsync(string monitor, DateTimeOffset? since, string? kind, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT at, kind, scores::text, from_at, rows_seen, computed_on::text, source, note FROM dkube_monitor_results
            WHERE monitor = @m AND (@since::timestamptz IS NULL OR at > @since) AND (@kind::text IS NULL OR kind = @kind)
            ORDER BY at, seq LIMIT @limit
            """);
        command.Parameters.AddWithValue("m", monitor);
        command.Parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.TimestampTz) { Value = since?.UtcDateTime ?? (object)DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("kind", NpgsqlDbType.Text) { Value = kind ?? (object)DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);
        var results = new List<MonitorResult>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var scores = JsonSerializer.Deserialize<Dictionary<string, MonitorScore>>(reader.GetString(2), Json) ?? [];
            var computedOn = reader.IsDBNull(5) ? null : JsonSerializer.Deserialize<MonitorProvenance>(reader.GetString(5), Json);
            results.Add(new MonitorResult(At(reader, 0), reader.GetString(1), scores, At(reader, 3), reader.GetInt64(4), computedOn,
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return results;
    }

    public async Task AppendAlertAsync(AlertEvent alert, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO dkube_monitor_alerts (monitor, deployment, alert, component, state, since, value, subject)
            VALUES (@m, @d, @a, @c, @s, @since, @v, @subject)
            """);
        command.Parameters.AddWithValue("m", alert.Monitor);
        command.Parameters.AddWithValue("d", alert.Deployment);
        command.Parameters.AddWithValue("a", alert.Alert);
        command.Parameters.AddWithValue("c", alert.On);
        command.Parameters.AddWithValue("s", alert.State);
        command.Parameters.AddWithValue("since", alert.Since.UtcDateTime);
        command.Parameters.AddWithValue("v", alert.Value);
        command.Parameters.Add(new NpgsqlParameter("subject", NpgsqlDbType.Text) { Value = alert.Subject ?? (object)DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AlertEvent>> ReadAlertsAsync(string monitor, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT deployment, alert, component, state, since, value, subject FROM dkube_monitor_alerts
            WHERE monitor = @m ORDER BY seq DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("m", monitor);
        command.Parameters.AddWithValue("limit", limit);
        var alerts = new List<AlertEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(new AlertEvent(monitor, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), At(reader, 4),
                reader.GetDouble(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return alerts;
    }

    public async Task<int> AddGroundTruthAsync(string monitor, IReadOnlyList<GroundTruthRow> rows, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        // One statement for the whole upload: arrays unnested, the last label of a repeated id wins.
        var latest = rows.GroupBy(r => r.RequestId, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        await using var command = dataSource.CreateCommand("""
            INSERT INTO dkube_monitor_ground_truth (monitor, request_id, label, received_at)
            SELECT @m, r, l, @at FROM unnest(@ids, @labels) AS t(r, l)
            ON CONFLICT (monitor, request_id) DO UPDATE SET label = excluded.label, received_at = excluded.received_at
            """);
        command.Parameters.AddWithValue("m", monitor);
        command.Parameters.AddWithValue("at", at.UtcDateTime);
        command.Parameters.AddWithValue("ids", latest.Select(r => r.RequestId).ToArray());
        command.Parameters.AddWithValue("labels", latest.Select(r => r.Label).ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<GroundTruthRow>> ReadGroundTruthAsync(string monitor, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT request_id, label FROM dkube_monitor_ground_truth
            WHERE monitor = @m AND received_at >= @from AND received_at < @to
            """);
        command.Parameters.AddWithValue("m", monitor);
        command.Parameters.AddWithValue("from", from.UtcDateTime);
        command.Parameters.AddWithValue("to", to.UtcDateTime);
        var rows = new List<GroundTruthRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new GroundTruthRow(reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }

    public async Task DeleteAsync(string monitor, CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var table in new[] { "dkube_monitor_results", "dkube_monitor_alerts", "dkube_monitor_ground_truth" })
        {
            var command = new NpgsqlBatchCommand($"DELETE FROM {table} WHERE monitor = @m");
            command.Parameters.AddWithValue("m", monitor);
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DateTimeOffset At(NpgsqlDataReader reader, int column) => reader.GetFieldValue<DateTimeOffset>(column);
}
