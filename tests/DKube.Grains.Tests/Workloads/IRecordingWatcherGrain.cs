using DKube.Abstractions.Workloads;

namespace DKube.Grains.Tests.Workloads;

/// <summary>A parent for tests: records every end it is told of, as a real parent's handler would see them.</summary>
[Alias("dkube.tests.IRecordingWatcherGrain")]
public interface IRecordingWatcherGrain : IWorkloadWatcher, IGrainWithStringKey
{
    [Alias("Told")]
    Task<IReadOnlyList<WorkloadView>> Told();
}
