using System.Globalization;
using System.Text;
using DKube.Abstractions.Common;
using DKube.Abstractions.Tenancy;
using Npgsql;

namespace DKube.Storage.ReadModel;

/// <summary>Listings and token look-ups over the read model, one query each.</summary>
public sealed class PostgresResourceDirectory(NpgsqlDataSource dataSource) : IResourceDirectory
{
    public async Task<Caller?> FindCallerAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        // The index found the row; compare the hash in constant time anyway so that the
        // decision itself leaks nothing about how much of a guess matched.
        var found = await FindCallerWhereAsync("u.token_hash = @key", tokenHash, cancellationToken);
        return found is { } user && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(user.TokenHash, tokenHash) ? user.Caller : null;
    }

    public async Task<Caller?> FindCallerByNameAsync(string name, CancellationToken cancellationToken) =>
        (await FindCallerWhereAsync("u.name = @key", name, cancellationToken))?.Caller;

    /// <summary>One user with roles and groups, found by <paramref name="condition"/> (a fixed SQL text) on <c>@key</c>.</summary>
    private async Task<(Caller Caller, byte[] TokenHash)?> FindCallerWhereAsync(string condition, object key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($$"""
            SELECT u.name, u.token_hash, u.roles,
                   coalesce(array_agg(m.group_name ORDER BY m.group_name) FILTER (WHERE m.group_name IS NOT NULL), '{}')
            FROM dkube_users u LEFT JOIN dkube_memberships m ON m.user_name = u.name
            WHERE {{condition}}
            GROUP BY u.name
            """);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return (new Caller(reader.GetString(0), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<string[]>(3)), (byte[])reader.GetValue(1));
    }

    public async Task<Page<RawJson>> ListAsync(string kind, Caller caller, ListQuery query, CancellationToken cancellationToken)
    {
        // The conditions every way of seeing a row shares: kind, project, group and the keyset cursor.
        var filter = new StringBuilder("kind = @kind");
        await using var command = dataSource.CreateCommand();
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("me", caller.Name);
        command.Parameters.AddWithValue("groups", caller.Groups.ToArray());
        if (query.Project is not null)
        {
            filter.Append(" AND project = @project");
            command.Parameters.AddWithValue("project", query.Project);
        }

        if (query.Group is not null)
        {
            filter.Append(" AND group_name = @group");
            command.Parameters.AddWithValue("group", query.Group);
        }

        if (Cursor.Decode(query.Cursor) is { } after)
        {
            filter.Append(" AND (created_at, id) > (@afterCreated, @afterId)");
            command.Parameters.AddWithValue("afterCreated", after.CreatedAt);
            command.Parameters.AddWithValue("afterId", after.Id);
        }

        command.Parameters.AddWithValue("limit", query.Limit + 1);
        command.CommandText = VisibleSql(command, filter.ToString(), query.Scope, caller);

        // The body's text as PostgreSQL writes it, passed through to the answer (RawJson: no DOM per row).
        var page = await ReadPageAsync(command, query.Limit, r => (Body: new RawJson(r.GetFieldValue<string>(0)), Key: new Cursor(r.GetFieldValue<DateTimeOffset>(1), r.GetString(2))),
            row => row.Key, cancellationToken);
        return new Page<RawJson>(page.Items.Select(row => row.Body).ToList(), page.NextCursor);
    }

    /// <summary>Beyond this many groups a caller's groups are one branch (<c>group_name = ANY</c>) rather than one each.</summary>
    private const int MaxGroupBranches = 16;

    /// <summary>
    /// One page of the rows matching <paramref name="filter"/> that the caller may see, in (created_at, id)
    /// order. A row is seen by its owner and by its group's members; an OR of the two cannot walk one
    /// index in that order, so PostgreSQL walked the creation index and filtered: on 100k runs a caller
    /// whose runs are the newest (a new tenant) waited 82 ms while it filtered out every older row.
    /// Instead each way of seeing is its own branch that stops after one page: the owner's rows and
    /// each group's rows, merged in order (a row both owned and of a caller's group comes twice:
    /// DISTINCT ON keeps one). Each group is a branch with its own parameter, not one lateral scan
    /// over the array, so that PostgreSQL plans it by that group's own statistics: a lateral scan was
    /// planned for the average group and, for a caller of one full and one empty group (the
    /// benchmark's tenant), walked the whole creation index looking for the empty group's rows (58 ms).
    /// </summary>
    private static string VisibleSql(NpgsqlCommand command, string filter, Scope scope, Caller caller)
    {
        string Page(string condition) =>
            $"SELECT body, created_at, id FROM dkube_resources WHERE {filter} AND {condition} ORDER BY created_at, id LIMIT @limit";
        string Merged(IEnumerable<string> branches, bool distinct) =>
            $"SELECT {(distinct ? "DISTINCT ON (created_at, id) " : "")}body, created_at, id FROM ({string.Join(" UNION ALL ", branches.Select(b => $"({b})"))}) v ORDER BY created_at, id LIMIT @limit";
        IReadOnlyList<string> PerGroup(string condition)
        {
            var groups = caller.Groups.Distinct(StringComparer.Ordinal).ToList();
            if (groups.Count > MaxGroupBranches)
            {
                return [Page("group_name = ANY(@groups)" + condition)];
            }

            for (var i = 0; i < groups.Count; i++)
            {
                command.Parameters.AddWithValue("g" + i.ToString(CultureInfo.InvariantCulture), groups[i]);
            }

            return [.. groups.Select((_, i) => Page($"group_name = @g{i.ToString(CultureInfo.InvariantCulture)}" + condition))];
        }

        switch (scope)
        {
            case Scope.Mine:
                return Page("owner = @me");
            case Scope.Shared:
                // A row has one group, so the groups' pages never overlap.
                return PerGroup(" AND owner <> @me") is { Count: > 0 } shared ? Merged(shared, distinct: false) : Page("false");
            case Scope.All when caller.IsOperator:
                return Page("true");
            default:
                return Merged([Page("owner = @me"), .. PerGroup("")], distinct: true);
        }
    }

    public async Task<Page<UserView>> ListUsersAsync(int limit, string? cursor, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT name, roles, created_at FROM dkube_users
            WHERE (@after::text IS NULL OR (created_at, name) > (@afterCreated, @after))
            ORDER BY created_at, name LIMIT @limit
            """);
        AddKeyset(command, cursor, limit);
        return await ReadPageAsync(command, limit, r => new UserView(r.GetString(0), r.GetFieldValue<string[]>(1), r.GetFieldValue<DateTimeOffset>(2)),
            v => new Cursor(v.CreatedAt, v.Name), cancellationToken);
    }

    public async Task<Page<GroupView>> ListGroupsAsync(Caller caller, int limit, string? cursor, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT g.name, g.gpus, g.clusters, g.created_at,
                   coalesce((SELECT array_agg(user_name ORDER BY user_name) FROM dkube_memberships m WHERE m.group_name = g.name), '{}')
            FROM dkube_groups g
            WHERE (@operator OR g.name = ANY(@groups))
              AND (@after::text IS NULL OR (g.created_at, g.name) > (@afterCreated, @after))
            ORDER BY g.created_at, g.name LIMIT @limit
            """);
        command.Parameters.AddWithValue("operator", caller.IsOperator);
        command.Parameters.AddWithValue("groups", caller.Groups.ToArray());
        AddKeyset(command, cursor, limit);
        return await ReadPageAsync(command, limit,
            r => new GroupView(r.GetString(0), r.GetInt32(1), r.GetFieldValue<string[]>(2), r.GetFieldValue<string[]>(4), r.GetFieldValue<DateTimeOffset>(3)),
            v => new Cursor(v.CreatedAt, v.Name), cancellationToken);
    }

    public async Task<string?> FindIdByNameAsync(string kind, string scope, string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM dkube_names WHERE kind = @kind AND scope = @scope AND name = @name");
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("name", name);
        return (string?)await command.ExecuteScalarAsync(cancellationToken);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    private static void AddKeyset(NpgsqlCommand command, string? cursor, int limit)
    {
        var after = Cursor.Decode(cursor);
        command.Parameters.AddWithValue("after", NpgsqlTypes.NpgsqlDbType.Text, (object?)after?.Id ?? DBNull.Value);
        command.Parameters.AddWithValue("afterCreated", after?.CreatedAt ?? DateTimeOffset.MinValue.ToUniversalTime());
        command.Parameters.AddWithValue("limit", limit + 1);
    }

    private static async Task<Page<T>> ReadPageAsync<T>(
        NpgsqlCommand command, int limit, Func<NpgsqlDataReader, T> map, Func<T, Cursor> keyOf, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (items.Count == limit)
            {
                return new Page<T>(items, keyOf(items[^1]).Encode());
            }

            items.Add(map(reader));
        }

        return new Page<T>(items, null);
    }
}
