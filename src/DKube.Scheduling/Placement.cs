namespace DKube.Scheduling;

/// <summary>
/// Where a request runs: one entry per worker, the master first. Workers that share a node under
/// <see cref="DistributionMode.Auto"/> appear as separate entries with disjoint indices.
/// </summary>
public sealed record Placement(string Cluster, IReadOnlyList<WorkerPlacement> Workers)
{
    public int TotalGpus => Workers.Sum(w => w.GpuIndices.Count);
}
