namespace DKube.Abstractions.Pools;

[GenerateSerializer]
[Alias("dkube.pool-queue-entry")]
public sealed record PoolQueueEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Owner,
    [property: Id(3)] int Gpus,
    [property: Id(4)] int Position,
    [property: Id(5)] DateTimeOffset QueuedAt,
    [property: Id(6)] DateTimeOffset? EstimatedStart);
