namespace DKube.Abstractions.Pools;

/// <summary>
/// A waiting workload in its group's pool view. <see cref="Reason"/> says what it waits for:
/// <c>quota</c> (the pool's own queue, <see cref="Position"/> in it) or <c>cluster-busy</c> (the pool
/// admitted it, <see cref="Cluster"/> has no room yet; <see cref="Position"/> in that cluster's queue).
/// <see cref="OwnerOnly"/>: a workload only its owner may see (<see cref="PoolView.SeenBy"/> hides its id and owner from others).
/// </summary>
[GenerateSerializer]
[Alias("dkube.pool-queue-entry")]
public sealed record PoolQueueEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Owner,
    [property: Id(3)] int Gpus,
    [property: Id(4)] int Position,
    [property: Id(5)] DateTimeOffset QueuedAt,
    [property: Id(6)] DateTimeOffset? EstimatedStart,
    [property: Id(7)] string? Reason = null,
    [property: Id(8)] string? Cluster = null,
    [property: Id(9)] bool OwnerOnly = false)
{
    public const string WaitingForQuota = "quota";

    public const string ClusterBusy = "cluster-busy";
}
