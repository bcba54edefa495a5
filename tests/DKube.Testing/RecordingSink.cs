using DKube.Executors;

namespace DKube.Testing;

/// <summary>Keeps every reported status, in order, and lets a test wait (without polling) for one that matches.</summary>
public sealed class RecordingSink(TimeSpan? timeout = null) : IExecutionStatusSink
{
    /// <summary>How long a wait lasts unless the sink or the call says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    private readonly TimeSpan defaultTimeout = timeout ?? DefaultTimeout;
    private readonly List<ExecutionStatus> reports = [];
    private readonly Lock gate = new();
    private TaskCompletionSource changed = NewSignal();

    /// <summary>Every status reported for <paramref name="id"/>, in order.</summary>
    public IReadOnlyList<ExecutionStatus> Of(string id)
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

    /// <summary>Waits until a report of <paramref name="id"/> matches and returns the first that does; fails with the history otherwise.</summary>
    public async Task<ExecutionStatus> WaitForAsync(string id, Func<ExecutionStatus, bool> match, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        using var cts = new CancellationTokenSource(timeout ?? defaultTimeout);
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
                throw new TimeoutException($"No matching status for {id}; seen: {History(id)}");
            }
        }
    }

    public Task<ExecutionStatus> WaitForAsync(string id, ExecutionState state, TimeSpan? timeout = null) =>
        WaitForAsync(id, s => s.State == state, timeout);

    /// <summary>Waits for the final status of <paramref name="id"/> and fails unless it is the only final one so far.</summary>
    public async Task<ExecutionStatus> FinalAsync(string id, TimeSpan? timeout = null)
    {
        var final = await WaitForAsync(id, s => s.IsFinal, timeout);
        var finals = Of(id).Count(s => s.IsFinal);
        return finals == 1 ? final : throw new InvalidOperationException($"{finals} final statuses for {id}: {History(id)}");
    }

    private string History(string id) => string.Join(" -> ", Of(id).Select(r => $"{r.State}({r.Reason},{r.ExitCode})"));

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
