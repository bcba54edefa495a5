using DKube.Abstractions.Pools;
using DKube.Abstractions.Workloads;

namespace DKube.Abstractions.Clusters;

/// <summary>
/// A workload's claim on a cluster's GPUs after its group's pool admitted it: the request, the
/// group whose quota it holds (for the cluster's fair order) and what the pool granted (its cluster
/// and, for start-with-available requests, how many GPUs per worker).
/// </summary>
[GenerateSerializer]
[Alias("dkube.cluster-claim")]
public sealed record ClusterClaim(
    [property: Id(0)] string Id,
    [property: Id(1)] string Group,
    [property: Id(2)] PoolRequest Request,
    [property: Id(3)] Allocation Granted);
