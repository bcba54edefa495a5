namespace DKube.Abstractions.Monitors;

/// <summary>
/// Computes monitors' evaluations on a silo of one cluster, keyed by the cluster's name (placed
/// cluster-affine: on a silo whose DKUBE_SILO_CLUSTER is the key). It keeps nothing: the monitor
/// keeps its state, schedule and alerts and stores what this returns. When no silo of the cluster
/// is up it answers 503 <c>cluster-unavailable</c> and leaves, so the next call is placed afresh.
/// </summary>
[Alias("dkube.IMonitorWorkerGrain")]
public interface IMonitorWorkerGrain : IGrainWithStringKey
{
    /// <summary>The result of one evaluation, with <see cref="MonitorResult.ComputedOn"/> naming this silo.</summary>
    [Alias("Compute")]
    Task<MonitorResult> Compute(MonitorWork work);
}
