using System.Text.Json;
using DKube.Abstractions.Errors;
using Npgsql;

namespace DKube.Storage.ReadModel;

/// <summary>
/// The write side of the read model for writes that are not grain state (grains whose state
/// implements <see cref="Grains.IProjectedState"/> are projected by their storage, in one transaction).
/// Every write is an idempotent upsert, so a grain may replay it (e.g. on activation) safely.
/// </summary>
public sealed class ReadModelWriter(NpgsqlDataSource dataSource)
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public Task UpsertUserAsync(string name, IReadOnlyList<string> roles, byte[] tokenHash, DateTimeOffset createdAt, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async (connection, transaction) =>
        {
            await ReadModelSql.UpsertUserAsync(connection, transaction, new UserRow(name, roles, tokenHash, createdAt), cancellationToken);
            await ReadModelSql.NotifyCallersChangedAsync(connection, transaction, cancellationToken);
        }, cancellationToken);

    public Task UpsertGroupAsync(string name, int gpus, IReadOnlyList<string> clusters, IReadOnlyCollection<string> members, DateTimeOffset createdAt, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async (connection, transaction) =>
        {
            await ReadModelSql.UpsertGroupAsync(connection, transaction, new GroupRow(name, gpus, clusters, members, createdAt), cancellationToken);
            await ReadModelSql.NotifyCallersChangedAsync(connection, transaction, cancellationToken);
        }, cancellationToken);

    public async Task UpsertResourceAsync(ResourceRow row, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ReadModelSql.UpsertResourcesAsync(connection, null, [row], cancellationToken);
    }

    public async Task DeleteResourceAsync(string kind, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ReadModelSql.DeleteResourcesAsync(connection, null, [(kind, id)], cancellationToken);
    }

    /// <summary>
    /// Claims <paramref name="name"/> within <paramref name="scope"/> for resource <paramref name="id"/>.
    /// Claiming again for the same id succeeds (retries are safe); another id gets a 409.
    /// Grains whose state implements <see cref="Grains.IProjectedState"/> claim in the write of that state instead.
    /// </summary>
    public async Task ClaimNameAsync(string kind, string scope, string name, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await ReadModelSql.ClaimNameAsync(connection, null, new NameClaim(kind, scope, name, id), cancellationToken) != id)
        {
            throw NameTaken(kind, name);
        }
    }

    /// <summary>The 409 of a name another resource holds.</summary>
    public static DomainException NameTaken(string kind, string name) =>
        DomainException.Conflict("name-taken", $"A {kind} named '{name}' already exists.");

    /// <summary>
    /// The resources of <paramref name="kind"/> whose status is one of <paramref name="statuses"/>
    /// (start-up recovery), oldest first, with their group and status; with <paramref name="unchangedFor"/>,
    /// only those whose row has not changed for that long (the reconciler's stragglers).
    /// </summary>
    public async Task<IReadOnlyList<StatusRow>> FindByStatusAsync(
        string kind, IReadOnlyCollection<string> statuses, TimeSpan? unchangedFor = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, group_name, status FROM dkube_resources
            WHERE kind = @kind AND status = ANY(@statuses) AND updated_at <= now() - @unchanged
            ORDER BY created_at
            """);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("statuses", statuses.ToArray());
        command.Parameters.AddWithValue("unchanged", unchangedFor ?? TimeSpan.Zero);
        var rows = new List<StatusRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StatusRow(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>Every id of <paramref name="kinds"/> (repositories, for the blob collection's mark).</summary>
    public async Task<IReadOnlyList<(string Kind, string Id)>> ListIdsAsync(IReadOnlyCollection<string> kinds, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT kind, id FROM dkube_resources WHERE kind = ANY(@kinds)");
        command.Parameters.AddWithValue("kinds", kinds.ToArray());
        var ids = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add((reader.GetString(0), reader.GetString(1)));
        }

        return ids;
    }

    /// <summary>
    /// Of <paramref name="ids"/> (of <paramref name="kinds"/>), those still known, each with its
    /// status and the time of its last change (what the retention of run folders judges by).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (string? Status, DateTimeOffset UpdatedAt)>> StatusesAsync(
        IReadOnlyCollection<string> kinds, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT id, status, updated_at FROM dkube_resources WHERE kind = ANY(@kinds) AND id = ANY(@ids)");
        command.Parameters.AddWithValue("kinds", kinds.ToArray());
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var found = new Dictionary<string, (string?, DateTimeOffset)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
        }

        return found;
    }

    /// <summary>The groups whose pools draw on <paramref name="cluster"/>: those listing it, and those listing none (they draw on all).</summary>
    public async Task<IReadOnlyList<string>> ListGroupsDrawingOnAsync(string cluster, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT name FROM dkube_groups WHERE cardinality(clusters) = 0 OR @cluster = ANY(clusters) ORDER BY name");
        command.Parameters.AddWithValue("cluster", cluster);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
    private async Task InTransactionAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
    }
}
