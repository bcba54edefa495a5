using Npgsql;

namespace DKube.Benchmarks.Admission;

/// <summary>PostgreSQL's counters of committed transactions (reads included) and WAL fsyncs (durable commits).</summary>
public readonly record struct DatabaseWork(long Commits, long WalSyncs)
{
    public static DatabaseWork operator -(DatabaseWork a, DatabaseWork b) => new(a.Commits - b.Commits, a.WalSyncs - b.WalSyncs);

    /// <summary>
    /// The counters now, read after PostgreSQL has published its backends' counts (about once a
    /// second), less this read's own commit. <paramref name="marker"/> (an SQL comment) lets a
    /// statement profile leave the read out.
    /// </summary>
    public static async Task<DatabaseWork> ReadAsync(NpgsqlDataSource database, string marker = "")
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        await using var command = database.CreateCommand(
            marker + "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()), wal_sync FROM pg_stat_wal");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new DatabaseWork(reader.GetInt64(0) - 1, reader.GetInt64(1));
    }

    public string Per(int runs) => $"{(double)Commits / runs,6:F2} commits, {(double)WalSyncs / runs,6:F3} WAL fsyncs";
}
