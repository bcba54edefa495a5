namespace DKube.Abstractions.Clusters;

/// <summary>A cluster's answer to a claim: the GPUs held when placed, the position in its queue when waiting.</summary>
[GenerateSerializer]
[Alias("dkube.cluster-grant")]
public sealed record ClusterGrant(
    [property: Id(0)] ClusterGrantStatus Status,
    [property: Id(1)] Workloads.Allocation? Allocation,
    [property: Id(2)] int? Position);
