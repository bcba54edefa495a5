using Orleans.Concurrency;
using DKube.Abstractions.Workloads;

namespace DKube.Abstractions.Clusters;

/// <summary>
/// A cluster, keyed by name: its nodes and the physical GPUs reserved on them. Reservation is
/// the second phase of allocation and idempotent per workload id, so a replayed message never
/// takes a GPU twice.
/// </summary>
[Alias("dkube.IClusterGrain")]
public interface IClusterGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task<ClusterView> Register(ClusterSpec spec);

    [Alias("Get")]
    [ReadOnly]
    Task<ClusterView?> Get();

    /// <summary>The cluster's nodes (what pools plan with); empty when it is not registered.</summary>
    [Alias("GetNodes")]
    [ReadOnly]
    Task<IReadOnlyList<NodeInfo>> GetNodes();

    /// <summary>
    /// The cluster's agent, just activated, says where it runs (shown in the cluster's view); when
    /// that is another silo than before, the cluster's booked workloads re-attach through it.
    /// </summary>
    [Alias("AgentPlaced")]
    [AlwaysInterleave]
    [OneWay]
    Task AgentPlaced(AgentPlacement placement);

    /// <summary>
    /// Makes sure the cluster's agent is active. After the agent's silo died, this activates a new
    /// one (on a silo of the cluster if any), which re-attaches the workloads the cluster books.
    /// </summary>
    [Alias("EnsureAgent")]
    Task EnsureAgent();

    /// <summary>
    /// Places the claim's GPUs if the cluster's fair order allows it now, else queues it (the
    /// workload is told through <see cref="IWorkloadGrain.Admitted"/> once placed); refuses only a
    /// shape no node can ever hold. Idempotent per workload id: asking again answers what the id
    /// holds, or where it waits.
    /// </summary>
    [Alias("Claim")]
    Task<ClusterGrant> Reserve(ClusterClaim claim);

    /// <summary>The workloads waiting for room here, in the order they will be placed.</summary>
    [Alias("GetQueue")]
    [ReadOnly]
    Task<IReadOnlyList<ClusterQueueItem>> GetQueue();

    /// <summary>Frees what <paramref name="id"/> holds, or withdraws it from the queue; a no-op when unknown.</summary>
    [Alias("Release")]
    Task Release(string id);
}
