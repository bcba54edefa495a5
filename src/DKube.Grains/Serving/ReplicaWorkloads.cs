using DKube.Abstractions.Workloads;

namespace DKube.Grains.Serving;

/// <summary>How a deployment makes a replica: a child workload whose end is reported to the deployment (its watcher).</summary>
public static class ReplicaWorkloads
{
    public const string ParentKind = "deployment";

    /// <summary>Creates (idempotently: same id, same spec) the replica's workload.</summary>
    public static Task<WorkloadView> CreateAsync(IGrainFactory grains, string replicaId, WorkloadSpec spec, string owner, string deploymentId, GrainId watcher) =>
        grains.GetGrain<IWorkloadGrain>(replicaId).CreateChild(WorkloadType.Run, spec, owner, new WorkloadParent(ParentKind, deploymentId, watcher));
}
