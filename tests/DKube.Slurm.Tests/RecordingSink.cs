using DKube.Executors;

namespace DKube.Slurm.Tests;

/// <summary>Keeps every reported status and lets a test wait for one that matches.</summary>
public sealed class RecordingSink : IExecutionStatusSink
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);
    private readonly List<ExecutionStatus> reports = [];
    private readonly Lock gate = new();
    private TaskCompletionSource changed = NewSignal();

    public IReadOnlyList<ExecutionStatus> Reports(string id)
    {
        lock (gate)
        {
            return reports.Where(r => r.Id == id).ToList();
        }
    }

    public Task ReportAsync(ExecutionStatus status, CancellationToken cancellationToken)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            reports.Add(status);
            signal = changed;
            changed = NewSignal();
        }

        signal.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>Waits (generously) until a report of <paramref name="id"/> matches; fails with the history otherwise.</summary>
    public async Task<ExecutionStatus> WaitForAsync(string id, Func<ExecutionStatus, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            Task next;
            lock (gate)
            {
                var found = reports.FirstOrDefault(r => r.Id == id && match(r));
                if (found is not null)
                {
                    return found;
                }

                next = changed.Task;
            }

            try
            {
                await next.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"no matching status for {id}; seen: {string.Join(" -> ", Reports(id).Select(r => $"{r.State}({r.Reason},{r.ExitCode})"))}");
            }
        }
    }

    public Task<ExecutionStatus> WaitForAsync(string id, ExecutionState state, TimeSpan? timeout = null) =>
        WaitForAsync(id, s => s.State == state, timeout);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
