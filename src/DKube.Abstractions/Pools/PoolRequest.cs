using DKube.Abstractions.Workloads;

namespace DKube.Abstractions.Pools;

/// <summary>
/// A workload's request for GPUs from its group's pool. <see cref="OwnerOnly"/>: the workload is its
/// owner's alone (<see cref="WorkloadView.OwnerOnly"/>), so the pool views show it to others without id or owner.
/// </summary>
[GenerateSerializer]
[Alias("dkube.pool-request")]
public sealed record PoolRequest(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Owner,
    [property: Id(3)] int GpusPerWorker,
    [property: Id(4)] int Workers,
    [property: Id(5)] DistributionMode Mode,
    [property: Id(6)] IReadOnlyList<string> Affinity,
    [property: Id(7)] bool StartWithAvailableGpus,
    [property: Id(8)] TimeSpan ExpectedDuration,
    [property: Id(9)] string? Cluster,
    [property: Id(10)] bool OwnerOnly = false);
