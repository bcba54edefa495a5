using DKube.Abstractions.Pools;

namespace DKube.Abstractions.Tenancy;

/// <summary>A group, keyed by name: its GPU pool size, the clusters it draws on and its members.</summary>
[Alias("dkube.IGroupGrain")]
public interface IGroupGrain : IGrainWithStringKey
{
    /// <summary>Creates the group and configures its GPU pool (policy defaults to best-effort FIFO).</summary>
    [Alias("Create")]
    Task<GroupView> Create(int gpus, IReadOnlyList<string> clusters, QueuePolicy? policy, TimeSpan? maxHeadAge);

    /// <summary>Resizes the pool (and changes its policy when given); queued work is re-evaluated.</summary>
    [Alias("Resize")]
    Task<GroupView> Resize(int gpus, QueuePolicy? policy, TimeSpan? maxHeadAge);

    [Alias("AddMember")]
    Task<GroupView> AddMember(string user);

    [Alias("RemoveMember")]
    Task<GroupView> RemoveMember(string user);

    /// <summary>Sets the rate limits of the group's members (the operator's call); they apply at once.</summary>
    [Alias("SetLimits")]
    Task<GroupView> SetLimits(GroupLimits limits);

    /// <summary>The group's limits (<see cref="GroupLimits.None"/> when unset or the group is unknown): read on every API process' cache refresh.</summary>
    [Alias("GetLimits")]
    [Orleans.Concurrency.ReadOnly]
    Task<GroupLimits> GetLimits();

    [Alias("Get")]
    Task<GroupView?> Get();

    /// <summary>
    /// Counts <paramref name="id"/> against the group's object quota <paramref name="quota"/>
    /// (<see cref="IObjectQuotas.Deployments"/>): 422 <c>quota-exceeded</c> (naming the quota, its limit
    /// and use) when the group has no room; the same id again is no second claim. The group is the one
    /// writer of the count, so creations racing for the last place never both get it.
    /// </summary>
    [Alias("ClaimObject")]
    Task ClaimObject(string quota, string id);

    /// <summary>Gives back what <paramref name="id"/> claimed of <paramref name="quota"/>; a no-op when it claimed nothing.</summary>
    [Alias("ReleaseObject")]
    Task ReleaseObject(string quota, string id);

    /// <summary>The group's object quotas (deployments, monitors) with their limits and the use the group counts.</summary>
    [Alias("GetObjectUse")]
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<QuotaUse>> GetObjectUse();
}
