namespace DKube.Abstractions.Pools;

[GenerateSerializer]
[Alias("dkube.pool-running-entry")]
public sealed record PoolRunningEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Owner,
    [property: Id(3)] int Gpus,
    [property: Id(4)] string Cluster,
    [property: Id(5)] DateTimeOffset AdmittedAt);
