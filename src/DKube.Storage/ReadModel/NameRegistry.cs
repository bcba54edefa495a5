using Npgsql;

namespace DKube.Storage.ReadModel;

/// <summary>Gives back names claimed with <see cref="ReadModelWriter.ClaimNameAsync"/> when their resource goes away or is renamed.</summary>
public sealed class NameRegistry(NpgsqlDataSource dataSource)
{
    /// <summary>Releases <paramref name="name"/> if <paramref name="id"/> still holds it.</summary>
    public async Task ReleaseAsync(string kind, string scope, string name, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ReadModelSql.ReleaseNamesAsync(connection, null, [new NameClaim(kind, scope, name, id)], cancellationToken);
    }
}
