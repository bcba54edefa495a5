namespace DKube.Grains.Clusters;

/// <summary>
/// The long steps a silo performs for executions of its clusters (staging inputs and submitting,
/// keeping an output, stopping), keyed by step and execution id and run on the thread pool, outside
/// any grain call: a grain call times out after seconds, a copy of a large dataset takes minutes.
/// A second request for a key joins the step in flight; one made after it ended starts it again
/// (each step is idempotent). A silo-wide singleton, so a step survives its agent's deactivation.
/// </summary>
public sealed class ExecutionSteps
{
    private readonly Dictionary<string, Step> _steps = new(StringComparer.Ordinal);

    /// <summary>Starts <paramref name="work"/> under <paramref name="key"/> unless a step of that key is in flight; returns the one that runs.</summary>
    public Task Run(string key, Func<CancellationToken, Task> work)
    {
        lock (_steps)
        {
            if (_steps.TryGetValue(key, out var running))
            {
                return running.Task;
            }

            // Started under the lock (Task.Run only queues it), so a joiner never sees a step without its task.
            var step = new Step();
            _steps[key] = step;
            step.Task = Task.Run(async () =>
            {
                try
                {
                    await work(step.Cancel.Token);
                }
                finally
                {
                    lock (_steps)
                    {
                        _steps.Remove(key);
                    }

                    step.Cancel.Dispose();
                }
            }, CancellationToken.None);
            return step.Task;
        }
    }

    /// <summary>Whether a step of <paramref name="key"/> is in flight.</summary>
    public bool IsRunning(string key)
    {
        lock (_steps)
        {
            return _steps.ContainsKey(key);
        }
    }

    /// <summary>Cancels the step of <paramref name="key"/>, if one is in flight, and waits until it has ended (its failure is its own).</summary>
    public async Task CancelAsync(string key)
    {
        Step? step;
        lock (_steps)
        {
            if (!_steps.TryGetValue(key, out step))
            {
                return;
            }

            step.Cancel.Cancel();
        }

        try
        {
            await step.Task;
        }
        catch
        {
            // Whatever it ended with was reported (or logged) by the step itself.
        }
    }

    private sealed class Step
    {
        public CancellationTokenSource Cancel { get; } = new();

        public Task Task { get; set; } = Task.CompletedTask;
    }
}
