namespace DKube.Scheduling;

/// <summary>
/// A request for GPUs from a group's pool. <see cref="Workers"/> counts the workers besides the master,
/// so a request occupies <see cref="GpusPerWorker"/> x (<see cref="Workers"/> + 1) GPUs, as DKube counts it.
/// </summary>
/// <param name="Cluster">A cluster to run on, or null to let the pool choose one.</param>
public sealed record GpuRequest(
    string Id,
    string Owner,
    int GpusPerWorker,
    int Workers,
    DistributionMode DistributionMode,
    IReadOnlyList<string> Affinity,
    bool StartWithAvailableGpus,
    TimeSpan ExpectedDuration,
    string? Cluster = null)
{
    /// <summary>The master plus the additional workers.</summary>
    public int WorkerCount => checked(Workers + 1);

    /// <summary>All GPUs the request needs; checked so a nonsensical request fails loudly instead of wrapping.</summary>
    public int TotalGpus => checked(GpusPerWorker * WorkerCount);

    /// <summary>
    /// The shape a pool actually granted, as the cluster must place it: start-with-available may
    /// have granted fewer GPUs per worker (even none); the worker count and rules are kept.
    /// </summary>
    public GpuRequest AsGranted(Placement granted)
    {
        ArgumentNullException.ThrowIfNull(granted);
        var perWorker = granted.Workers.Count == 0 ? 0 : granted.Workers[0].GpuIndices.Count;
        return this with { GpusPerWorker = perWorker, StartWithAvailableGpus = false };
    }
}
