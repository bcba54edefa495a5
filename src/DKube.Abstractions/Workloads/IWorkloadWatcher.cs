namespace DKube.Abstractions.Workloads;

/// <summary>
/// A grain that drives child runs and learns of their ends from this event, never by polling
/// them. Delivery is at least once: retried until it succeeds and re-sent after a restart that
/// came between the end and the delivery, so the handler must be idempotent (by workload id).
/// It is delivered off the child's turn, so a parent may create or stop children while handling it.
/// </summary>
[Alias("dkube.IWorkloadWatcher")]
public interface IWorkloadWatcher : IGrain
{
    [Alias("WorkloadEnded")]
    Task WorkloadEnded(WorkloadView ended);
}
