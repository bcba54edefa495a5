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

    public DKubeMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(DKubeMeters.Name);
        _transitions = meter.CreateCounter<long>("dkube_workload_transitions", description: "Workloads entering a status, by type and status.");
        _admission = meter.CreateHistogram<double>("dkube_admission_wait", unit: "s", description: "Time from submission to GPUs granted.");
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
