namespace DKube.Grains.Persistence;

/// <summary>
/// Funnels the state writes of a reentrant grain through one outstanding write (group commit):
/// a change made while a write is in flight joins the next write, so N concurrent operations
/// cost about two writes instead of N, and each caller is still answered only after a write
/// that contains its change has completed. All members run on the grain's own scheduler, so
/// no locking is needed.
/// </summary>
public sealed class CoalescedWriter(Func<Task> write, Action onFailure)
{
    private TaskCompletionSource? _next;
    private TaskCompletionSource? _inFlight;

    /// <summary>Completes once a write that started after this call has succeeded.</summary>
    public Task WriteAsync()
    {
        _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var joined = _next.Task;
        if (_inFlight is null)
        {
            _ = PumpAsync();
        }

        return joined;
    }

    /// <summary>
    /// Completes once every change made so far is stored, without writing when none is pending:
    /// for an answer that changes nothing but must not get ahead of storage.
    /// </summary>
    public Task StoredAsync() => (_next ?? _inFlight)?.Task ?? Task.CompletedTask;

    private async Task PumpAsync()
    {
        try
        {
            while (_next is { } batch)
            {
                (_inFlight, _next) = (batch, null);
                try
                {
                    await write();
                    batch.SetResult();
                }
                catch (Exception e)
                {
                    // Memory is now ahead of storage: fail the batch and let the owner reload.
                    batch.SetException(e);
                    onFailure();
                }
            }
        }
        finally
        {
            _inFlight = null;
        }
    }
}
