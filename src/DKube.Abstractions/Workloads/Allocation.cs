namespace DKube.Abstractions.Workloads;

/// <summary>What the pool granted a workload: a cluster and a node and GPU indices per worker.</summary>
[GenerateSerializer]
[Alias("dkube.allocation")]
public sealed record Allocation(
    [property: Id(0)] string Cluster,
    [property: Id(1)] IReadOnlyList<WorkerAssignment> Workers)
{
    public int TotalGpus => Workers.Sum(w => w.Gpus.Count);
}
