using System.Collections.Concurrent;

namespace DKube.Grains.Tests.Infrastructure;

/// <summary>
/// Makes chosen grain calls of the test silo fail as a caller sees them fail when the callee's
/// silo dies (<see cref="SiloUnavailableException"/>, <see cref="OrleansMessageRejectionException"/>,
/// a <see cref="TimeoutException"/>), before or after the call did its work, or holds them until
/// the test lets them through; and counts the calls. A rule matches a grain by its key, so tests
/// with their own fresh keys never meet each other's rules.
/// </summary>
public sealed class GrainCallFaults : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<(string Key, string Method), ConcurrentQueue<(Exception Failure, bool AfterWork)>> _failures = new();
    private readonly ConcurrentDictionary<(string Key, string Method), TaskCompletionSource> _holds = new();
    private readonly ConcurrentDictionary<(string Key, string Method), int> _calls = new();

    /// <summary>The next calls of <paramref name="method"/> on the grain keyed <paramref name="key"/> fail with these, one each, without doing their work.</summary>
    public void FailBefore(string key, string method, params Exception[] failures) => Enqueue(key, method, false, failures);

    /// <summary>The next calls do their work, then fail with these: the answer is lost, the effect is not.</summary>
    public void FailAfter(string key, string method, params Exception[] failures) => Enqueue(key, method, true, failures);

    /// <summary>Holds calls of <paramref name="method"/> on <paramref name="key"/> until the result is disposed.</summary>
    public IDisposable Hold(string key, string method)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _holds[(key, method)] = gate;
        return new Release(() =>
        {
            _holds.TryRemove((key, method), out _);
            gate.TrySetResult();
        });
    }

    /// <summary>How many calls of <paramref name="method"/> reached the grain keyed <paramref name="key"/> (failed ones included).</summary>
    public int Calls(string key, string method) => _calls.GetValueOrDefault((key, method));

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var id = (context.TargetId.Key.ToString() ?? "", context.MethodName);
        _calls.AddOrUpdate(id, 1, (_, n) => n + 1);
        if (_holds.TryGetValue(id, out var gate))
        {
            await gate.Task;
        }

        (Exception Failure, bool AfterWork) failure = default;
        var fails = _failures.TryGetValue(id, out var queue) && queue.TryDequeue(out failure);
        if (fails && !failure.AfterWork)
        {
            throw failure.Failure!;
        }

        await context.Invoke();
        if (fails)
        {
            throw failure.Failure!;
        }
    }

    private void Enqueue(string key, string method, bool afterWork, Exception[] failures)
    {
        var queue = _failures.GetOrAdd((key, method), _ => new ConcurrentQueue<(Exception, bool)>());
        foreach (var failure in failures)
        {
            queue.Enqueue((failure, afterWork));
        }
    }

    private sealed class Release(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
