namespace DKube.Abstractions.Workloads;

/// <summary>
/// A parent whose children serve HTTP (a deployment's replicas): besides their ends it learns,
/// from this second event, where a child is reached once it runs (<see cref="WorkloadView.Endpoint"/>,
/// as its executor reported it: a loopback port, a Kubernetes Service, a Slurm node). Delivered
/// like <see cref="IWorkloadWatcher.WorkloadEnded"/>: at least once, off the child's turn, again
/// after a restart that came before the delivery, and again when the endpoint changes; the handler
/// must be idempotent (by workload id and endpoint).
/// </summary>
[Alias("dkube.IWorkloadServingWatcher")]
public interface IWorkloadServingWatcher : IWorkloadWatcher
{
    [Alias("WorkloadServing")]
    Task WorkloadServing(WorkloadView serving);
}
