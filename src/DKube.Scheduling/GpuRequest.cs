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
}
