using DKube.Abstractions.Workloads;

namespace DKube.Grains.Tests.Workloads;

public sealed class RecordingWatcherGrain : Grain, IRecordingWatcherGrain
{
    private readonly List<WorkloadView> _told = [];
    private readonly List<WorkloadView> _serving = [];

    public Task WorkloadServing(WorkloadView serving)
    {
        _serving.Add(serving);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WorkloadView>> ToldServing() => Task.FromResult<IReadOnlyList<WorkloadView>>(_serving.ToList());

    public Task WorkloadEnded(WorkloadView ended)
    {
        _told.Add(ended);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WorkloadView>> Told() => Task.FromResult<IReadOnlyList<WorkloadView>>(_told.ToList());
}
