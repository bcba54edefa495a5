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
}
