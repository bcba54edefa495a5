namespace DKube.Abstractions.Workloads;

/// <summary>
/// A parent whose children serve HTTP (a deployment's replicas): besides their ends it learns,
/// from this second event, that a child left its pool's queue (admitted: <see cref="WorkloadView.Status"/>
/// <c>Starting</c> and no endpoint yet; the deployment's progress deadline counts from then, never
/// while the child waits for GPUs) and where it is reached once it runs (<see cref="WorkloadView.Endpoint"/>,
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
