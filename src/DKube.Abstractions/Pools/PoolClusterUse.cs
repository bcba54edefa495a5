namespace DKube.Abstractions.Pools;

/// <summary>How many of a cluster's GPUs this group uses, out of what the cluster has.</summary>
[GenerateSerializer]
[Alias("dkube.pool-cluster-use")]
public sealed record PoolClusterUse(
    [property: Id(0)] string Cluster,
    [property: Id(1)] int Used,
    [property: Id(2)] int Capacity);
