namespace DKube.Abstractions.Pools;

/// <summary><c>GET /groups/{group}/pool</c>: size, use, the queue in order and what runs.</summary>
[GenerateSerializer]
[Alias("dkube.pool")]
public sealed record PoolView(
    [property: Id(0)] string Group,
    [property: Id(1)] int Gpus,
    [property: Id(2)] int Used,
    [property: Id(3)] int Free,
    [property: Id(4)] QueuePolicy Policy,
    [property: Id(5)] IReadOnlyList<PoolQueueEntry> Queue,
    [property: Id(6)] IReadOnlyList<PoolRunningEntry> Running,
    [property: Id(7)] IReadOnlyList<PoolClusterUse> Clusters);
