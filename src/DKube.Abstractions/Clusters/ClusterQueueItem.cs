namespace DKube.Abstractions.Clusters;

/// <summary>A workload its pool admitted that waits for room on the cluster, at its position in the cluster's fair order.</summary>
[GenerateSerializer]
[Alias("dkube.cluster-queue-item")]
public sealed record ClusterQueueItem(
    [property: Id(0)] string Id,
    [property: Id(1)] string Group,
    [property: Id(2)] int Gpus,
    [property: Id(3)] int Position,
    [property: Id(4)] DateTimeOffset QueuedAt);
