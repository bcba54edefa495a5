namespace DKube.Abstractions.Pools;

/// <summary>What a pool admitted; <see cref="OwnerOnly"/> as in <see cref="PoolQueueEntry"/>.</summary>
[GenerateSerializer]
[Alias("dkube.pool-running-entry")]
public sealed record PoolRunningEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Owner,
    [property: Id(3)] int Gpus,
    [property: Id(4)] string Cluster,
    [property: Id(5)] DateTimeOffset AdmittedAt,
    [property: Id(6)] bool OwnerOnly = false);
