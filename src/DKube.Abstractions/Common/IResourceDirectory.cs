using DKube.Abstractions.Tenancy;

namespace DKube.Abstractions.Common;

/// <summary>
/// The read side of the system: who a token belongs to and paginated, visibility-filtered
/// listings. Backed by the PostgreSQL read model the grains keep current.
/// </summary>
public interface IResourceDirectory
{
    /// <summary>The caller whose token hashes to <paramref name="tokenHash"/>, or null.</summary>
    Task<Caller?> FindCallerAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>The user named <paramref name="name"/> as a caller (roles and groups), or null.</summary>
    Task<Caller?> FindCallerByNameAsync(string name, CancellationToken cancellationToken);

    /// <summary>The resources of <paramref name="kind"/> that <paramref name="caller"/> may see, each as the JSON text of its read-model body.</summary>
    Task<Page<RawJson>> ListAsync(string kind, Caller caller, ListQuery query, CancellationToken cancellationToken);

    Task<Page<UserView>> ListUsersAsync(int limit, string? cursor, CancellationToken cancellationToken);

    Task<Page<GroupView>> ListGroupsAsync(Caller caller, int limit, string? cursor, CancellationToken cancellationToken);

    /// <summary>The id of the resource of <paramref name="kind"/> named <paramref name="name"/> within <paramref name="scope"/> (an owner or a group), or null.</summary>
    Task<string?> FindIdByNameAsync(string kind, string scope, string name, CancellationToken cancellationToken);

    /// <summary>Whether the database answers.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}
