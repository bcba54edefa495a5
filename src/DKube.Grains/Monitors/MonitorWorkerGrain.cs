using DKube.Abstractions.Errors;
using DKube.Abstractions.Monitors;
using DKube.Grains.Affinity;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace DKube.Grains.Monitors;

/// <summary>
/// Computes the evaluations of the monitors that name its cluster (its key), on a silo of that
/// cluster (<see cref="ClusterAffinePlacement"/>). Reentrant, and the scoring runs on the thread
/// pool: one activation serves every monitor of the cluster, and one monitor's long drift
/// evaluation does not hold up the others'. The monitor calls it only while a silo of the cluster
/// is active (<see cref="ClusterSilos"/>); should placement still fall back to another silo (the
/// metadata of a silo just joined or gone), this grain refuses (503 <c>cluster-unavailable</c>)
/// and deactivates rather than compute on the wrong cluster.
/// </summary>
[Reentrant]
[ClusterAffinePlacement]
public sealed class MonitorWorkerGrain(
    MonitorComputation computation,
    BaselineReader baselines,
    SiloCluster siloCluster,
    ILogger<MonitorWorkerGrain> logger) : Grain, IMonitorWorkerGrain
{
    private string Cluster => this.GetPrimaryKeyString();

    public async Task<MonitorResult> Compute(MonitorWork work)
    {
        if (siloCluster.Name != Cluster)
        {
            logger.LogWarning("No silo of cluster {Cluster} is up: monitor {Monitor} is not evaluated on {Silo} (cluster {SiloCluster})",
                Cluster, work.Monitor, computation.Here.Silo, siloCluster.Name);
            DeactivateOnIdle();
            throw ClusterUnavailable(Cluster);
        }

        // The baseline comes from this silo's cache (BaselineCache) after its first read here.
        return await Task.Run(() => computation.ComputeAsync(work, () => baselines.ReadAsync(work.Spec.Baseline, work.Spec.Features, CancellationToken.None)));
    }

    public static DomainException ClusterUnavailable(string cluster) =>
        new(ErrorKind.Unavailable, "cluster-unavailable", $"No silo of cluster '{cluster}' is up to compute the monitor's evaluation; the next scheduled evaluation tries again.");
}
