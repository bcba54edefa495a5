using System.Text.Json;
using DKube.Abstractions.Live;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Tenancy;
using Npgsql;

namespace DKube.Storage.ReadModel;

/// <summary><c>GET /dashboard</c> over the read model: the listing's visibility rule, one query per figure.</summary>
public sealed class PostgresDashboardReader(NpgsqlDataSource dataSource) : IDashboardReader
{
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>> CountByStatusAsync(
        Caller caller, IReadOnlyCollection<string> kinds, CancellationToken cancellationToken)
    {
        await using var command = Visible(caller, kinds,
            "SELECT kind, coalesce(status, ''), count(*)::int FROM dkube_resources WHERE kind = ANY(@kinds){0} GROUP BY kind, status");
        var counts = kinds.ToDictionary(k => k, _ => new Dictionary<string, int>(StringComparer.Ordinal), StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)][reader.GetString(1)] = reader.GetInt32(2);
        }

        return counts.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, int>)c.Value, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<JsonElement>> RecentAsync(Caller caller, IReadOnlyCollection<string> kinds, int limit, CancellationToken cancellationToken)
    {
        await using var command = Visible(caller, kinds,
            "SELECT body FROM dkube_resources WHERE kind = ANY(@kinds){0} ORDER BY updated_at DESC, id LIMIT @limit");
        command.Parameters.AddWithValue("limit", limit);
        var recent = new List<JsonElement>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var body = JsonDocument.Parse(reader.GetString(0));
            recent.Add(body.RootElement.Clone());
        }

        return recent;
    }

    public async Task<IReadOnlyList<UserStorage>> StorageByOwnerAsync(Caller caller, CancellationToken cancellationToken)
    {
        // Featuresets are everyone's to see (DataRepoView.VisibleTo); the rest follows the listing's rule.
        await using var command = dataSource.CreateCommand("""
            WITH seen AS (
                SELECT r.owner, r.kind, c.hash, c.size
                FROM dkube_resources r JOIN dkube_repo_contents c ON c.repo_id = r.id
                WHERE r.kind = ANY(@kinds) AND (@all OR r.kind = @shared OR r.owner = @me OR r.group_name = ANY(@groups)))
            SELECT owner, NULL, sum(size)::bigint FROM (SELECT DISTINCT owner, hash, size FROM seen) o GROUP BY owner
            UNION ALL
            SELECT owner, kind, sum(size)::bigint FROM (SELECT DISTINCT owner, kind, hash, size FROM seen) k GROUP BY owner, kind
            """);
        command.Parameters.AddWithValue("kinds", new[] { RepoKinds.Dataset, RepoKinds.FeatureSet, RepoKinds.Model });
        command.Parameters.AddWithValue("all", caller.IsOperator);
        command.Parameters.AddWithValue("shared", RepoKinds.FeatureSet);
        command.Parameters.AddWithValue("me", caller.Name);
        command.Parameters.AddWithValue("groups", caller.Groups.ToArray());
        var owners = new SortedDictionary<string, UserStorage>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var owner = reader.GetString(0);
            var bytes = reader.GetInt64(2);
            var figures = owners.GetValueOrDefault(owner) ?? new UserStorage(owner, 0, 0, 0, 0, 0);
            owners[owner] = reader.IsDBNull(1)
                ? figures with { Bytes = bytes }
                : reader.GetString(1) switch
                {
                    RepoKinds.Dataset => figures with { Datasets = bytes },
                    RepoKinds.FeatureSet => figures with { Featuresets = bytes },
                    _ => figures with { Models = bytes },
                };
        }

        return [.. owners.Values];
    }

    /// <summary><paramref name="sql"/> with the visibility condition of listings (scope all) in its <c>{0}</c>.</summary>
    private NpgsqlCommand Visible(Caller caller, IReadOnlyCollection<string> kinds, string sql)
    {
        var command = dataSource.CreateCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, sql,
            caller.IsOperator ? "" : " AND (owner = @me OR group_name = ANY(@groups))"));
        command.Parameters.AddWithValue("kinds", kinds.ToArray());
        command.Parameters.AddWithValue("me", caller.Name);
        command.Parameters.AddWithValue("groups", caller.Groups.ToArray());
        return command;
    }
}
