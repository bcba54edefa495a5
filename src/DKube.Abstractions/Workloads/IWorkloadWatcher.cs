namespace DKube.Abstractions.Workloads;

/// <summary>A parent of workloads (study, pipeline run, deployment): told when one of its children ends.</summary>
[Alias("dkube.IWorkloadWatcher")]
public interface IWorkloadWatcher : IGrain
{
    /// <summary>At-least-once: handle it idempotently (by workload id).</summary>
    [Alias("WorkloadEnded")]
    Task WorkloadEnded(WorkloadView ended);
}
