namespace DKube.Grains.Workloads;

/// <summary>
/// The one reconciler of the silo cluster (key <see cref="Key"/>): on a durable reminder, it asks
/// every workload that has sat in a transitional state for a whole period to recover, the way a
/// controller resyncs. It catches what no retry could: a run stored as Queued whose submission to
/// its pool failed (the client was answered 503), an admission whose delivery gave up, a submit or
/// stop lost with a silo.
/// </summary>
[Alias("dkube.workload-reconciler")]
public interface IWorkloadReconcilerGrain : IGrainWithStringKey
{
    public const string Key = "workloads";

    /// <summary>Registers (or re-times) the reminder; every silo calls it when it starts.</summary>
    [Alias("Ensure")]
    Task Ensure();
}
