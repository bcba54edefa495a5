using DKube.Abstractions.Workloads;

namespace DKube.Grains.Workloads;

[GenerateSerializer]
[Alias("dkube.state.workload")]
public sealed class WorkloadState
{
    /// <summary>The workload as it stands; null until created (and again once deleted).</summary>
    [Id(0)]
    public WorkloadView? View { get; set; }
}
