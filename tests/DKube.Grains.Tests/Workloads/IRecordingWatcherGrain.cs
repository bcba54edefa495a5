using DKube.Abstractions.Workloads;

namespace DKube.Grains.Tests.Workloads;

/// <summary>A parent for tests: records every end (and endpoint) it is told of, as a real parent's handler would see them.</summary>
[Alias("dkube.tests.IRecordingWatcherGrain")]
public interface IRecordingWatcherGrain : IWorkloadServingWatcher, IGrainWithStringKey
{
    [Alias("Told")]
    Task<IReadOnlyList<WorkloadView>> Told();

    [Alias("ToldServing")]
    Task<IReadOnlyList<WorkloadView>> ToldServing();
}
