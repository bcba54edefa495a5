using DKube.Abstractions.Repos;
using DKube.Storage.ReadModel;

namespace DKube.Storage.Grains;

/// <summary>The read-model changes one state write carries; filled by <see cref="IProjectedState"/>.</summary>
public sealed class Projection
{
    internal List<ResourceRow> Resources { get; } = [];

    internal List<(string Kind, string Id)> RemovedResources { get; } = [];

    internal List<NameClaim> Claims { get; } = [];

    internal List<NameClaim> Releases { get; } = [];

    internal List<UserRow> Users { get; } = [];

    internal List<(string RepoId, StoredContent Content)> AddedContents { get; } = [];

    internal List<string> ClearedRepos { get; } = [];

    internal List<GroupRow> Groups { get; } = [];

    internal List<(string Pool, QueueEntryRow Row)> QueueEntries { get; } = [];

    internal List<(string Pool, string Id)> RemovedQueueEntries { get; } = [];

    internal List<string> ClearedQueues { get; } = [];

    internal bool IsEmpty => Resources.Count == 0 && RemovedResources.Count == 0 && Claims.Count == 0 && Releases.Count == 0
        && Users.Count == 0 && Groups.Count == 0 && AddedContents.Count == 0 && ClearedRepos.Count == 0
        && QueueEntries.Count == 0 && RemovedQueueEntries.Count == 0 && ClearedQueues.Count == 0;

    /// <summary>
    /// Whether it holds no more than listing rows and queue changes (a submission's writes): those
    /// the batcher sends with the states in one round trip.
    /// </summary>
    internal bool RowsAndQueueOnly => RemovedResources.Count == 0 && Claims.Count == 0 && Releases.Count == 0
        && Users.Count == 0 && Groups.Count == 0 && AddedContents.Count == 0 && ClearedRepos.Count == 0;

    /// <summary>Whether the callers (token look-ups) may have changed: users, roles, memberships.</summary>
    internal bool TouchesCallers => Users.Count > 0 || Groups.Count > 0;

    /// <summary>Inserts or replaces the listing row.</summary>
    public Projection Resource(ResourceRow row)
    {
        Resources.Add(row);
        return this;
    }

    public Projection RemoveResource(string kind, string id)
    {
        RemovedResources.Add((kind, id));
        return this;
    }

    /// <summary>
    /// Claims <paramref name="name"/> within <paramref name="scope"/> for <paramref name="id"/>;
    /// if another id holds it, the whole write fails with a 409 <c>name-taken</c> and nothing of it is stored.
    /// </summary>
    public Projection ClaimName(string kind, string scope, string name, string id)
    {
        Claims.Add(new NameClaim(kind, scope, name, id));
        return this;
    }

    /// <summary>Gives the name back if <paramref name="id"/> still holds it.</summary>
    public Projection ReleaseName(string kind, string scope, string name, string id)
    {
        Releases.Add(new NameClaim(kind, scope, name, id));
        return this;
    }

    /// <summary>A named resource's listing row and its name, unique in <paramref name="scope"/>: stored together.</summary>
    public Projection NamedResource(ResourceRow row, string scope) =>
        ClaimName(row.Kind, scope, row.Name, row.Id).Resource(row);

    /// <summary>Removes a named resource's listing row and frees its name.</summary>
    public Projection RemoveNamedResource(string kind, string scope, string name, string id) =>
        RemoveResource(kind, id).ReleaseName(kind, scope, name, id);

    /// <summary>Contents a repository's versions hold (each hash once per repository), which <c>GET /storage</c> adds up.</summary>
    public Projection RepoContents(string repoId, IEnumerable<StoredContent> contents)
    {
        AddedContents.AddRange(contents.Select(c => (repoId, c)));
        return this;
    }

    /// <summary>Forgets every content of a deleted repository.</summary>
    public Projection RemoveRepoContents(string repoId)
    {
        ClearedRepos.Add(repoId);
        return this;
    }

    public Projection User(string name, IReadOnlyList<string> roles, byte[] tokenHash, DateTimeOffset createdAt)
    {
        Users.Add(new UserRow(name, roles, tokenHash, createdAt));
        return this;
    }

    /// <summary>The group's row and its whole member set (members not listed are removed).</summary>
    public Projection Group(string name, int gpus, IReadOnlyList<string> clusters, IReadOnlyCollection<string> members, DateTimeOffset createdAt)
    {
        Groups.Add(new GroupRow(name, gpus, clusters, members, createdAt));
        return this;
    }

    /// <summary>Inserts or replaces a waiting request of <paramref name="pool"/>'s queue (<see cref="QueueEntryStore"/>).</summary>
    public Projection QueueEntry(string pool, QueueEntryRow row)
    {
        QueueEntries.Add((pool, row));
        return this;
    }

    /// <summary>Removes a request from <paramref name="pool"/>'s queue (nothing if it is not there).</summary>
    public Projection RemoveQueueEntry(string pool, string id)
    {
        RemovedQueueEntries.Add((pool, id));
        return this;
    }

    /// <summary>Removes <paramref name="pool"/>'s whole queue (its state is cleared).</summary>
    public Projection ClearQueue(string pool)
    {
        ClearedQueues.Add(pool);
        return this;
    }
}
