using DKube.Abstractions.Workloads;

namespace DKube.Grains.Tests.Workloads;

public sealed class RecordingWatcherGrain : Grain, IRecordingWatcherGrain
{
    private readonly List<WorkloadView> _told = [];

    public Task WorkloadEnded(WorkloadView ended)
    {
        _told.Add(ended);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WorkloadView>> Told() => Task.FromResult<IReadOnlyList<WorkloadView>>(_told.ToList());
}
