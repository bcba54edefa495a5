using System.Diagnostics;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// What the in-process server does during a phase, sampled four times a second: the process's CPU
/// use (of all cores), the thread pool's backlog, and named figures of the server (the fair queue's
/// slots held and requests waiting per tenant). Printed as averages and maxima, so that a figure
/// says what bounded it (CPU, the thread pool, or waiting for a turn).
/// </summary>
public sealed class PhaseSampler : IAsyncDisposable
{
    private readonly Dictionary<string, Func<double>> _figures;
    private readonly Dictionary<string, List<double>> _samples = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public PhaseSampler(IReadOnlyDictionary<string, Func<double>> figures)
    {
        _figures = new Dictionary<string, Func<double>>(figures, StringComparer.Ordinal)
        {
            ["thread pool backlog"] = () => ThreadPool.PendingWorkItemCount,
            ["thread pool threads"] = () => ThreadPool.ThreadCount,
        };
        foreach (var name in _figures.Keys.Append("process CPU % of all cores"))
        {
            _samples[name] = [];
        }

        _loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        using var process = Process.GetCurrentProcess();
        // Without a refresh first, the first figure would count what the process used before the phase.
        process.Refresh();
        var (cpu, wall) = (process.TotalProcessorTime, Stopwatch.GetTimestamp());
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                process.Refresh();
                var (nowCpu, nowWall) = (process.TotalProcessorTime, Stopwatch.GetTimestamp());
                var share = (nowCpu - cpu).TotalSeconds / Stopwatch.GetElapsedTime(wall, nowWall).TotalSeconds / Environment.ProcessorCount;
                (cpu, wall) = (nowCpu, nowWall);
                lock (_samples)
                {
                    _samples["process CPU % of all cores"].Add(100 * share);
                    foreach (var (name, read) in _figures)
                    {
                        _samples[name].Add(read());
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One line per figure: mean and maximum over the phase.</summary>
    public async Task<string> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        lock (_samples)
        {
            return string.Join(Environment.NewLine, _samples.Select(s =>
                $"  {s.Key,-34} mean {(s.Value.Count == 0 ? double.NaN : s.Value.Average()),8:F1}  max {(s.Value.Count == 0 ? double.NaN : s.Value.Max()),8:F1}"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}
