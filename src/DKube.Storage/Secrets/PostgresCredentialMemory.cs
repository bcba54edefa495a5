using DKube.Abstractions.Repos;
using Npgsql;

namespace DKube.Storage.Secrets;

/// <summary>The last credentials per (owner, host, kind), sealed; see migration 0010.</summary>
public sealed class PostgresCredentialMemory(NpgsqlDataSource dataSource) : ICredentialHints
{
    public async Task RememberAsync(string owner, string host, CredentialKind kind, string? username, byte[] sealedCredentials, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO dkube_credential_memory (owner, host, kind, username, sealed, updated_at)
            VALUES (@owner, @host, @kind, @username, @sealed, clock_timestamp())
            ON CONFLICT (owner, host, kind) DO UPDATE SET username = EXCLUDED.username, sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at
            """);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("host", host);
        command.Parameters.AddWithValue("kind", kind.ToString());
        command.Parameters.AddWithValue("username", (object?)username ?? DBNull.Value);
        command.Parameters.AddWithValue("sealed", sealedCredentials);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The sealed credentials last used for <paramref name="host"/> (of <paramref name="kind"/>, or the most recent of any kind).</summary>
    public async Task<byte[]?> FindSealedAsync(string owner, string host, CredentialKind? kind, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT sealed FROM dkube_credential_memory
            WHERE owner = @owner AND host = @host AND (@kind::text IS NULL OR kind = @kind)
            ORDER BY updated_at DESC LIMIT 1
            """);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("host", host);
        command.Parameters.AddWithValue("kind", NpgsqlTypes.NpgsqlDbType.Text, (object?)kind?.ToString() ?? DBNull.Value);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async Task<IReadOnlyList<CredentialsView>> ListAsync(string owner, string host, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT kind, username FROM dkube_credential_memory WHERE owner = @owner AND host = @host ORDER BY updated_at DESC
            """);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("host", host.ToLowerInvariant());
        var list = new List<CredentialsView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new CredentialsView(Enum.Parse<CredentialKind>(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return list;
    }
}
