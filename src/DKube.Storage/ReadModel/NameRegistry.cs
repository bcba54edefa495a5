using Npgsql;

namespace DKube.Storage.ReadModel;

/// <summary>Gives back names claimed with <see cref="ReadModelWriter.ClaimNameAsync"/> when their resource goes away or is renamed.</summary>
public sealed class NameRegistry(NpgsqlDataSource dataSource)
{
    /// <summary>Releases <paramref name="name"/> if <paramref name="id"/> still holds it.</summary>
    public async Task ReleaseAsync(string kind, string scope, string name, string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM dkube_names WHERE kind = @kind AND scope = @scope AND name = @name AND id = @id");
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
