using DKube.Executors;

namespace DKube.Kubernetes.Tests;

/// <summary>Keeps every status the executor pushes, in order.</summary>
internal sealed class RecordingSink : IExecutionStatusSink
{
    private readonly Lock sync = new();
    private readonly List<ExecutionStatus> statuses = [];

    public Task ReportAsync(ExecutionStatus status, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            statuses.Add(status);
        }

        return Task.CompletedTask;
    }

    public IReadOnlyList<ExecutionStatus> Of(string id)
    {
        lock (sync)
        {
            return statuses.Where(s => s.Id == id).ToList();
        }
    }

    public async Task<ExecutionStatus> WaitForAsync(string id, ExecutionState state)
    {
        await Eventually.TrueAsync(() => Of(id).Any(s => s.State == state), $"{id} to be {state}");
        return Of(id).Last(s => s.State == state);
    }
}
