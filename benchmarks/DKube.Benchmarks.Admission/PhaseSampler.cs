using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// What the in-process server does during a phase, sampled four times a second: the process's CPU
/// use (of all cores), the thread pool's backlog, and named figures of the server (the fair queue's
/// slots held and requests waiting per tenant). Printed as averages and maxima, so that a figure
/// says what bounded it (CPU, the thread pool, or waiting for a turn). Beside them, the runtime's own
/// counters as <c>dotnet-counters</c> shows them (the <c>System.Runtime</c> meter, heard in process
/// through a <see cref="MeterListener"/>, no tool attached): GC heap size, gen0/1/2 collections,
/// % time in GC, allocation rate, thread pool threads and completed items, lock contentions, exceptions.
/// </summary>
public sealed class PhaseSampler : IAsyncDisposable
{
    private const string CpuShare = "process CPU % of all cores";
    private readonly Dictionary<string, Func<double>> _figures;
    private readonly Dictionary<string, List<double>> _samples = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly MeterListener _runtime = new();
    private readonly Dictionary<string, double> _counterFirst = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _counterLast = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<double>> _gauges = new(StringComparer.Ordinal);
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly Task _loop;
    private string? _report;

    public PhaseSampler(IReadOnlyDictionary<string, Func<double>>? figures = null)
    {
        _figures = new Dictionary<string, Func<double>>(figures ?? new Dictionary<string, Func<double>>(), StringComparer.Ordinal)
        {
            ["thread pool backlog"] = () => ThreadPool.PendingWorkItemCount,
            ["thread pool threads"] = () => ThreadPool.ThreadCount,
        };
        foreach (var name in _figures.Keys.Prepend(CpuShare))
        {
            _samples[name] = [];
        }

        _runtime.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "System.Runtime")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _runtime.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _runtime.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _runtime.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _runtime.Start();
        lock (_samples)
        {
            _runtime.RecordObservableInstruments();
        }

        _loop = Task.Run(LoopAsync);
    }

    /// <summary>
    /// An observable counter reports its running total: the phase's share is the last less the first.
    /// A plain counter (exceptions) reports increments, summed. Up-down counters are levels, averaged.
    /// </summary>
    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = instrument.Name;
        foreach (var tag in tags)
        {
            key += " " + tag.Value;
        }

        lock (_samples)
        {
            switch (instrument)
            {
                case ObservableCounter<long> or ObservableCounter<double> or ObservableCounter<int>:
                    _counterFirst.TryAdd(key, value);
                    _counterLast[key] = value;
                    break;
                case Counter<long> or Counter<int> or Counter<double>:
                    _counterFirst.TryAdd(key, 0);
                    _counterLast[key] = _counterLast.GetValueOrDefault(key) + value;
                    break;
                default:
                    if (!_gauges.TryGetValue(key, out var levels))
                    {
                        _gauges[key] = levels = [];
                    }

                    levels.Add(value);
                    break;
            }
        }
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
                    _samples[CpuShare].Add(100 * share);
                    foreach (var (name, read) in _figures)
                    {
                        _samples[name].Add(read());
                    }

                    _runtime.RecordObservableInstruments();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One line per figure: mean and maximum over the phase, then the runtime's counters.</summary>
    public async Task<string> StopAsync()
    {
        if (_report is not null)
        {
            return _report;
        }

        await _stop.CancelAsync();
        await _loop;
        lock (_samples)
        {
            _runtime.RecordObservableInstruments();
            _runtime.Dispose();
            var seconds = _wall.Elapsed.TotalSeconds;
            double Delta(string key) => _counterLast.GetValueOrDefault(key) - _counterFirst.GetValueOrDefault(key);
            var heap = _gauges.Where(g => g.Key.StartsWith("dotnet.gc.last_collection.heap.size", StringComparison.Ordinal)).ToList();
            var lines = _samples.Select(s =>
                $"  {s.Key,-34} mean {(s.Value.Count == 0 ? double.NaN : s.Value.Average()),8:F1}  max {(s.Value.Count == 0 ? double.NaN : s.Value.Max()),8:F1}").ToList();
            lines.Add(heap.Count == 0 ? $"  {"GC heap size (MiB)",-34} n/a"
                : $"  {"GC heap size (MiB, after last GC)",-34} mean {heap.Sum(h => h.Value.Average()) / (1 << 20),8:F1}  max {heap.Sum(h => h.Value.Max()) / (1 << 20),8:F1}");
            lines.Add($"  {"GCs gen0 / gen1 / gen2 (per s)",-34} {Delta("dotnet.gc.collections gen0") / seconds,6:F1} / {Delta("dotnet.gc.collections gen1") / seconds,5:F1} / {Delta("dotnet.gc.collections gen2") / seconds,5:F2}");
            lines.Add($"  {"% time in GC (paused)",-34} {100 * Delta("dotnet.gc.pause.time") / seconds,8:F1}");
            lines.Add($"  {"allocated (MiB/s)",-34} {Delta("dotnet.gc.heap.total_allocated") / (1 << 20) / seconds,8:F1}");
            lines.Add($"  {"thread pool completed items (/s)",-34} {Delta("dotnet.thread_pool.work_item.count") / seconds,8:F0}");
            lines.Add($"  {"lock contentions (/s)",-34} {Delta("dotnet.monitor.lock_contentions") / seconds,8:F1}");
            var exceptions = _counterLast.Keys.Where(k => k.StartsWith("dotnet.exceptions", StringComparison.Ordinal)).Sum(Delta);
            lines.Add($"  {"exceptions (/s)",-34} {exceptions / seconds,8:F1}");
            _report = string.Join(Environment.NewLine, lines);
            return _report;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
