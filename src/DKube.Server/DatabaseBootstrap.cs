using DKube.Storage.Migrations;
using DKube.Storage.Postgres;

namespace DKube.Server;

/// <summary>Finds (or starts) the database and brings its schema up to date.</summary>
public static class DatabaseBootstrap
{
    /// <summary>
    /// The connection string to use, and the embedded instance to stop at exit when this process
    /// owns one (only the co-hosted default may: several processes need one shared server).
    /// </summary>
    public static async Task<(string ConnectionString, EmbeddedPostgres? Embedded)> ResolveAsync(DKubeOptions options, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(options.Postgres))
        {
            return (options.Postgres, null);
        }

        if (options.Role != ServerRole.All)
        {
            throw new InvalidOperationException(
                $"Role '{options.Role}' joins a cluster of processes that share one database: set DKUBE_POSTGRES to its connection string.");
        }

        var embedded = await EmbeddedPostgres.StartAsync(Path.Combine(options.DataDir, "postgres"), cancellationToken);
        return (embedded.ConnectionStringFor("dkube"), embedded);
    }

    public static Task<IReadOnlyList<int>> MigrateAsync(string connectionString, CancellationToken cancellationToken) =>
        MigrationRunner.MigrateAsync(connectionString, cancellationToken);
}
