using DKube.Storage.Postgres;
using Npgsql;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// PostgreSQL's statement statistics (pg_stat_statements) of the embedded server: loaded before the
/// DKube server starts it, reset at the start of a phase, read at its end. The benchmark's own
/// statements carry <see cref="Own"/> and are left out.
/// </summary>
public static class StatementStatistics
{
    /// <summary>Marks the benchmark's own statements, so they are left out of the counts.</summary>
    public const string Own = "/* dkube-profile */ ";

    /// <summary>
    /// pg_stat_statements must be loaded when PostgreSQL starts: the embedded instance is made and
    /// started once here, told to preload it, and stopped; the server then starts it from the same folder.
    /// </summary>
    public static async Task PreloadAsync(string root)
    {
        await using var pg = await EmbeddedPostgres.StartAsync(root);
        await using var connection = new NpgsqlConnection(pg.ConnectionString);
        await connection.OpenAsync();
        await using var alter = new NpgsqlCommand("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'", connection);
        await alter.ExecuteNonQueryAsync();
    }

    /// <summary>Makes the extension's view (once the server that preloaded it runs).</summary>
    public static Task CreateAsync(NpgsqlDataSource database) => ExecuteAsync(database, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");

    /// <summary>Counts from zero from now on.</summary>
    public static Task ResetAsync(NpgsqlDataSource database) => ExecuteAsync(database, "SELECT pg_stat_statements_reset()");

    /// <summary>Every statement counted since the reset: calls, mean and total milliseconds, the text on one line.</summary>
    public static async Task<IReadOnlyList<(long Calls, double MeanMs, string Query)>> ReadAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand(
            Own + "SELECT calls, mean_exec_time, query FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())");
        await using var reader = await command.ExecuteReaderAsync();
        var statements = new List<(long, double, string)>();
        while (await reader.ReadAsync())
        {
            var query = reader.GetString(2);
            if (!query.Contains("dkube-profile", StringComparison.Ordinal) && !query.Contains("pg_stat_statements_reset", StringComparison.Ordinal))
            {
                var oneLine = string.Join(' ', query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                statements.Add((reader.GetInt64(0), reader.GetDouble(1), oneLine.Length > 110 ? oneLine[..110] + "..." : oneLine));
            }
        }

        return statements;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(Own + sql);
        await command.ExecuteNonQueryAsync();
    }
}
