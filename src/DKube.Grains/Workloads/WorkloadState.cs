using DKube.Abstractions.Workloads;

namespace DKube.Grains.Workloads;

[GenerateSerializer]
[Alias("dkube.state.workload")]
public sealed class WorkloadState
{
    /// <summary>The workload as it stands; null until created (and again once deleted).</summary>
    [Id(0)]
    public WorkloadView? View { get; set; }

    /// <summary>
    /// The cluster whose queue the workload waits in (its pool admitted it, the cluster is busy), so a
    /// stop withdraws it there; null otherwise. Id 10 leaves room for other fields added meanwhile.
    /// </summary>
    [Id(10)]
    public string? WaitingOnCluster { get; set; }
}
