using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using DKube.Abstractions.Common;
using DKube.Abstractions.Workloads;

namespace DKube.Grains.Telemetry;

/// <summary>
/// DKube's own instruments, exported at <c>/metrics</c> as <c>dkube_*</c>: workload transitions
/// and submit-to-admit latency as they happen, and each pool's size, use and queue as gauges
/// read from the pools active on this silo.
/// </summary>
public sealed class DKubeMetrics
{
    private readonly ConcurrentDictionary<string, PoolFigures> _pools = new(StringComparer.Ordinal);
    private readonly Counter<long> _transitions;
    private readonly Histogram<double> _admission;

    /// <summary>Bucket bounds of <c>dkube_admission_wait_seconds</c>: from an immediate admission to a day in the queue.</summary>
    public static readonly IReadOnlyList<double> AdmissionWaitBoundsSeconds =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200, 86400];

    public DKubeMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(DKubeMeters.Name);
        _transitions = meter.CreateCounter<long>("dkube_workload_transitions", description: "Workloads entering a status, by type and status.");
        // The value is in seconds: without advice the exporter would use its millisecond-sized
        // default bounds (5 .. 10000), putting every sub-5-second admission in one bucket.
        _admission = meter.CreateHistogram("dkube_admission_wait", unit: "s", description: "Time from submission to GPUs granted.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = AdmissionWaitBoundsSeconds });
        meter.CreateObservableGauge("dkube_pool_gpus", () => Measure(p => p.Size), description: "Size of each group's GPU pool.");
        meter.CreateObservableGauge("dkube_pool_gpus_used", () => Measure(p => p.Used), description: "GPUs of each group's pool in use.");
        meter.CreateObservableGauge("dkube_pool_queue_length", () => Measure(p => p.Queued), description: "Requests waiting in each group's pool.");
    }

    public void Transition(WorkloadType type, WorkloadStatus status) =>
        _transitions.Add(1, new("type", type.ToString()), new("status", status.ToString()));

    public void Admitted(TimeSpan waited) => _admission.Record(waited.TotalSeconds);

    public void Pool(string group, int size, int used, int queued) => _pools[group] = new PoolFigures(size, used, queued);

    public void PoolGone(string group) => _pools.TryRemove(group, out _);

    private IEnumerable<Measurement<int>> Measure(Func<PoolFigures, int> figure) =>
        _pools.Select(p => new Measurement<int>(figure(p.Value), new KeyValuePair<string, object?>("group", p.Key)));

    private readonly record struct PoolFigures(int Size, int Used, int Queued);
}
