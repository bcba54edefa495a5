using System.Text.Json;
using DKube.Abstractions.Errors;
using Npgsql;
using NpgsqlTypes;

namespace DKube.Storage.ReadModel;

/// <summary>
/// The write side of the read model, used by grains after they persisted their own state.
/// Every write is an idempotent upsert, so a grain may replay it (e.g. on activation) safely.
/// </summary>
public sealed class ReadModelWriter(NpgsqlDataSource dataSource)
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public async Task UpsertUserAsync(string name, IReadOnlyList<string> roles, byte[] tokenHash, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO dkube_users (name, roles, token_hash, created_at) VALUES (@name, @roles, @hash, @created)
            ON CONFLICT (name) DO UPDATE SET roles = EXCLUDED.roles, token_hash = EXCLUDED.token_hash
            """);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("roles", roles.ToArray());
        command.Parameters.AddWithValue("hash", tokenHash);
        command.Parameters.AddWithValue("created", createdAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpsertGroupAsync(string name, int gpus, IReadOnlyList<string> clusters, IReadOnlyCollection<string> members, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var group = new NpgsqlCommand("""
            INSERT INTO dkube_groups (name, gpus, clusters, created_at) VALUES (@name, @gpus, @clusters, @created)
            ON CONFLICT (name) DO UPDATE SET gpus = EXCLUDED.gpus, clusters = EXCLUDED.clusters
            """, connection, transaction))
        {
            group.Parameters.AddWithValue("name", name);
            group.Parameters.AddWithValue("gpus", gpus);
            group.Parameters.AddWithValue("clusters", clusters.ToArray());
            group.Parameters.AddWithValue("created", createdAt);
            await group.ExecuteNonQueryAsync(cancellationToken);
        }

        // Membership is replaced as a whole: the group grain's member set is the truth.
        await using (var clear = new NpgsqlCommand("DELETE FROM dkube_memberships WHERE group_name = @name AND NOT (user_name = ANY(@members))", connection, transaction))
        {
            clear.Parameters.AddWithValue("name", name);
            clear.Parameters.AddWithValue("members", members.ToArray());
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var add = new NpgsqlCommand("""
            INSERT INTO dkube_memberships (group_name, user_name) SELECT @name, unnest(@members) ON CONFLICT DO NOTHING
            """, connection, transaction))
        {
            add.Parameters.AddWithValue("name", name);
            add.Parameters.AddWithValue("members", members.ToArray());
            await add.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task UpsertResourceAsync(ResourceRow row, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO dkube_resources (kind, id, name, owner, group_name, project, status, created_at, updated_at, body)
            VALUES (@kind, @id, @name, @owner, @group, @project, @status, @created, now(), @body)
            ON CONFLICT (kind, id) DO UPDATE SET name = EXCLUDED.name, owner = EXCLUDED.owner,
                group_name = EXCLUDED.group_name, project = EXCLUDED.project, status = EXCLUDED.status,
                updated_at = now(), body = EXCLUDED.body
            """);
        command.Parameters.AddWithValue("kind", row.Kind);
        command.Parameters.AddWithValue("id", row.Id);
        command.Parameters.AddWithValue("name", row.Name);
        command.Parameters.AddWithValue("owner", row.Owner);
        command.Parameters.AddWithValue("group", row.Group);
        command.Parameters.AddWithValue("project", (object?)row.Project ?? DBNull.Value);
        command.Parameters.AddWithValue("status", (object?)row.Status ?? DBNull.Value);
        command.Parameters.AddWithValue("created", row.CreatedAt);
        command.Parameters.Add(new NpgsqlParameter("body", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(row.Body, row.Body.GetType(), Json) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteResourceAsync(string kind, string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM dkube_resources WHERE kind = @kind AND id = @id");
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Claims <paramref name="name"/> within <paramref name="scope"/> for resource <paramref name="id"/>.
    /// Claiming again for the same id succeeds (retries are safe); another id gets a 409.
    /// </summary>
    public async Task ClaimNameAsync(string kind, string scope, string name, string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO dkube_names (kind, scope, name, id) VALUES (@kind, @scope, @name, @id)
            ON CONFLICT (kind, scope, name) DO UPDATE SET id = dkube_names.id
            RETURNING id
            """);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("id", id);
        var holder = (string?)await command.ExecuteScalarAsync(cancellationToken);
        if (holder != id)
        {
            throw DomainException.Conflict("name-taken", $"A {kind} named '{name}' already exists.");
        }
    }

    /// <summary>
    /// Ids of the resources of <paramref name="kind"/> whose status is one of <paramref name="statuses"/>
    /// (start-up recovery), oldest first; with <paramref name="unchangedFor"/>, only those whose row
    /// has not changed for that long (the reconciler's stragglers).
    /// </summary>
    public async Task<IReadOnlyList<string>> FindByStatusAsync(
        string kind, IReadOnlyCollection<string> statuses, TimeSpan? unchangedFor = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id FROM dkube_resources
            WHERE kind = @kind AND status = ANY(@statuses) AND updated_at <= now() - @unchanged
            ORDER BY created_at
            """);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("statuses", statuses.ToArray());
        command.Parameters.AddWithValue("unchanged", unchangedFor ?? TimeSpan.Zero);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
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
}
