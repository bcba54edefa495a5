using DKube.Abstractions.Tenancy;
using Orleans.Concurrency;
namespace DKube.Abstractions.Pools;

/// <summary>
/// The admission point of one group (keyed by group name): its GPU quota, its queue and what it
/// has granted. Every turn is computation on memory plus one state write; admissions that a
/// release or resize causes are told to their workloads by one-way calls after the write.
/// </summary>
[Alias("dkube.IGroupPoolGrain")]
public interface IGroupPoolGrain : IGrainWithStringKey
{
    /// <summary>Admits, queues or rejects; idempotent per request id.</summary>
    [Alias("Submit")]
    Task<PoolDecision> Submit(PoolRequest request);

    /// <summary>
    /// <see cref="Submit"/> for many requests in order, with one state write for them all (a batch
    /// of runs accepted together). The pool tells each admitted request's workload itself (as it
    /// does after a release), so the caller need not; answers one decision per request, in order.
    /// </summary>
    [Alias("SubmitMany")]
    Task<IReadOnlyList<PoolDecision>> SubmitMany(IReadOnlyList<PoolRequest> requests);

    /// <summary>Gives back what <paramref name="id"/> holds, or withdraws it from the queue; a no-op when unknown.</summary>
    [Alias("Release")]
    Task Release(string id);

    /// <summary>
    /// Sets the pool size, the clusters it draws on (none: every registered cluster) and, when
    /// given, its policy; queued work is re-evaluated. Only the group grain calls this.
    /// </summary>
    [Alias("Configure")]
    Task Configure(int gpus, IReadOnlyList<string> clusters, QueuePolicy? policy, TimeSpan? maxHeadAge);

    /// <summary>
    /// Sets the group's bounds on waiting workloads (null: the server's default); they apply to the
    /// next submission. Only the group grain calls this.
    /// </summary>
    [Alias("SetQueueQuota")]
    Task SetQueueQuota(int? perUser, int? perGroup);

    /// <summary>The queued-workload quotas with <paramref name="user"/>'s and the group's current use.</summary>
    [Alias("GetQueueUse")]
    [ReadOnly]
    Task<IReadOnlyList<QuotaUse>> GetQueueUse(string user);

    /// <summary>Reloads the nodes of the clusters the group draws on (after a cluster was registered or changed).</summary>
    [Alias("RefreshClusters")]
    Task RefreshClusters();

    /// <summary>
    /// Those of <paramref name="ids"/> this pool does not hold in its queue: unknown to it (their
    /// submission never reached it) or admitted (their notice may have been lost). The reconciler
    /// recovers only those, so a waiting run the pool holds costs no activation per sweep.
    /// </summary>
    [Alias("Unqueued")]
    [ReadOnly]
    Task<IReadOnlyList<string>> Unqueued(IReadOnlyList<string> ids);

    [Alias("GetView")]
    [ReadOnly]
    Task<PoolView> GetView();
}
