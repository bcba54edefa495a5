namespace DKube.Executors.Tests.Local;

/// <summary>Keeps every status the executor pushes, in order.</summary>
internal sealed class RecordingSink : IExecutionStatusSink
{
    private readonly Lock _lock = new();
    private readonly List<ExecutionStatus> _statuses = [];

    public Task ReportAsync(ExecutionStatus status, CancellationToken cancellationToken)
    {
        lock (_lock)
            _statuses.Add(status);
        return Task.CompletedTask;
    }

    public IReadOnlyList<ExecutionStatus> Of(string id)
    {
        lock (_lock)
            return _statuses.Where(s => s.Id == id).ToList();
    }

    public async Task<ExecutionStatus> FinalAsync(string id)
    {
        await Eventually.TrueAsync(() => Of(id).Any(s => s.IsFinal), $"a final status of {id}");
        return Of(id).Single(s => s.IsFinal);
    }
}
