using DKube.Abstractions.Repos;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace DKube.Storage.ReadModel;

/// <summary>
/// The statements that write the read model, on a connection and transaction the caller owns:
/// <see cref="ReadModelWriter"/> runs them alone, the batched grain storage runs them in the
/// transaction that stores the grains' state. Rows of one kind go in one multi-row statement.
/// </summary>
internal static class ReadModelSql
{
    /// <summary>The channel on which PostgreSQL announces (at commit) that users, roles or memberships changed.</summary>
    public const string CallersChannel = "dkube_callers";

    public static async Task UpsertResourcesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<ResourceRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { UpsertResources(rows) } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The upsert of <paramref name="rows"/> (at least one) as a statement of a batch, for a caller that sends it with others in one round trip.</summary>
    public static NpgsqlBatchCommand UpsertResources(IReadOnlyList<ResourceRow> rows)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO dkube_resources (kind, id, name, owner, group_name, project, status, created_at, updated_at, body)
            SELECT k, i, n, o, g, p, s, c, now(), b::jsonb
            FROM unnest(@kind, @id, @name, @owner, @group, @project, @status, @created, @body) AS t(k, i, n, o, g, p, s, c, b)
            ON CONFLICT (kind, id) DO UPDATE SET name = EXCLUDED.name, owner = EXCLUDED.owner,
                group_name = EXCLUDED.group_name, project = EXCLUDED.project, status = EXCLUDED.status,
                updated_at = now(), body = EXCLUDED.body
            """);
        command.Parameters.AddWithValue("kind", rows.Select(r => r.Kind).ToArray());
        command.Parameters.AddWithValue("id", rows.Select(r => r.Id).ToArray());
        command.Parameters.AddWithValue("name", rows.Select(r => r.Name).ToArray());
        command.Parameters.AddWithValue("owner", rows.Select(r => r.Owner).ToArray());
        command.Parameters.AddWithValue("group", rows.Select(r => r.Group).ToArray());
        command.Parameters.Add(new NpgsqlParameter("project", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Project).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Status).ToArray() });
        command.Parameters.AddWithValue("created", rows.Select(r => r.CreatedAt).ToArray());
        command.Parameters.AddWithValue("body", rows.Select(r => JsonSerializer.Serialize(r.Body, r.Body.GetType(), ReadModelWriter.Json)).ToArray());
        return command;
    }

    public static async Task DeleteResourcesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<(string Kind, string Id)> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            "DELETE FROM dkube_resources r USING unnest(@kind, @id) AS t(k, i) WHERE r.kind = t.k AND r.id = t.i", connection, transaction);
        command.Parameters.AddWithValue("kind", keys.Select(k => k.Kind).ToArray());
        command.Parameters.AddWithValue("id", keys.Select(k => k.Id).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task AddRepoContentsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<(string RepoId, StoredContent Content)> contents, CancellationToken cancellationToken)
    {
        if (contents.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand("""
            INSERT INTO dkube_repo_contents (repo_id, hash, size)
            SELECT * FROM unnest(@repo, @hash, @size)
            ON CONFLICT (repo_id, hash) DO NOTHING
            """, connection, transaction);
        command.Parameters.AddWithValue("repo", contents.Select(c => c.RepoId).ToArray());
        command.Parameters.AddWithValue("hash", contents.Select(c => c.Content.Hash).ToArray());
        command.Parameters.AddWithValue("size", contents.Select(c => c.Content.Size).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task ClearRepoContentsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<string> repoIds, CancellationToken cancellationToken)
    {
        if (repoIds.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand("DELETE FROM dkube_repo_contents WHERE repo_id = ANY(@repo)", connection, transaction);
        command.Parameters.AddWithValue("repo", repoIds.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Claims the name for its id; answers the id that holds it afterwards (the claimant's own when it won).</summary>
    public static async Task<string?> ClaimNameAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, NameClaim claim, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO dkube_names (kind, scope, name, id) VALUES (@kind, @scope, @name, @id)
            ON CONFLICT (kind, scope, name) DO UPDATE SET id = dkube_names.id
            RETURNING id
            """, connection, transaction);
        command.Parameters.AddWithValue("kind", claim.Kind);
        command.Parameters.AddWithValue("scope", claim.Scope);
        command.Parameters.AddWithValue("name", claim.Name);
        command.Parameters.AddWithValue("id", claim.Id);
        return (string?)await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Gives back each name its id still holds.</summary>
    public static async Task ReleaseNamesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<NameClaim> names, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand("""
            DELETE FROM dkube_names n USING unnest(@kind, @scope, @name, @id) AS t(k, s, m, i)
            WHERE n.kind = t.k AND n.scope = t.s AND n.name = t.m AND n.id = t.i
            """, connection, transaction);
        command.Parameters.AddWithValue("kind", names.Select(n => n.Kind).ToArray());
        command.Parameters.AddWithValue("scope", names.Select(n => n.Scope).ToArray());
        command.Parameters.AddWithValue("name", names.Select(n => n.Name).ToArray());
        command.Parameters.AddWithValue("id", names.Select(n => n.Id).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task UpsertUserAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, UserRow user, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO dkube_users (name, roles, token_hash, created_at) VALUES (@name, @roles, @hash, @created)
            ON CONFLICT (name) DO UPDATE SET roles = EXCLUDED.roles, token_hash = EXCLUDED.token_hash
            """, connection, transaction);
        command.Parameters.AddWithValue("name", user.Name);
        command.Parameters.AddWithValue("roles", user.Roles.ToArray());
        command.Parameters.AddWithValue("hash", user.TokenHash);
        command.Parameters.AddWithValue("created", user.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The group's row and its member set, replaced as a whole: the group grain's member set is the truth.</summary>
    public static async Task UpsertGroupAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, GroupRow group, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO dkube_groups (name, gpus, clusters, created_at) VALUES (@name, @gpus, @clusters, @created)
            ON CONFLICT (name) DO UPDATE SET gpus = EXCLUDED.gpus, clusters = EXCLUDED.clusters;
            DELETE FROM dkube_memberships WHERE group_name = @name AND NOT (user_name = ANY(@members));
            INSERT INTO dkube_memberships (group_name, user_name) SELECT @name, unnest(@members) ON CONFLICT DO NOTHING
            """, connection, transaction);
        command.Parameters.AddWithValue("name", group.Name);
        command.Parameters.AddWithValue("gpus", group.Gpus);
        command.Parameters.AddWithValue("clusters", group.Clusters.ToArray());
        command.Parameters.AddWithValue("members", group.Members.ToArray());
        command.Parameters.AddWithValue("created", group.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Tells every API process (at commit, not before) that cached callers may be stale.</summary>
    public static async Task NotifyCallersChangedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"NOTIFY {CallersChannel}", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
