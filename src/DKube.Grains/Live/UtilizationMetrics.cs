using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using DKube.Abstractions.Common;
using DKube.Abstractions.Live;

namespace DKube.Grains.Live;

/// <summary>
/// The utilization gauges at <c>/metrics</c>, per group and user, read from the group grains active
/// on this silo: <c>dkube_utilization_gpus</c>, <c>dkube_utilization_gpu_percent</c>,
/// <c>dkube_utilization_cpu_cores</c>, <c>dkube_utilization_memory_bytes</c>, <c>dkube_utilization_workloads</c>.
/// </summary>
public sealed class UtilizationMetrics
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<UserUtilization>> _groups = new(StringComparer.Ordinal);

    public UtilizationMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(DKubeMeters.Name);
        meter.CreateObservableGauge("dkube_utilization_gpus", () => Measure(u => u.Gpus), description: "GPUs held by each user's running workloads, per group.");
        meter.CreateObservableGauge("dkube_utilization_gpu_percent", () => Measure(u => u.GpuUtilization), description: "Mean utilization of those GPUs where nvidia-smi answers, per group and user.");
        meter.CreateObservableGauge("dkube_utilization_cpu_cores", () => Measure(u => u.CpuCores), description: "CPU cores each user's running processes use, per group.");
        meter.CreateObservableGauge("dkube_utilization_memory_bytes", () => Measure(u => u.MemoryBytes), description: "Resident memory of each user's running processes, per group.");
        meter.CreateObservableGauge("dkube_utilization_workloads", () => Measure(u => u.Workloads), description: "Running workloads sampled, per group and user.");
    }

    public void Set(string group, IReadOnlyList<UserUtilization> users) => _groups[group] = users;

    public void Remove(string group) => _groups.TryRemove(group, out _);

    private IEnumerable<Measurement<double>> Measure(Func<UserUtilization, double?> figure) =>
        _groups.SelectMany(g => g.Value
            .Where(u => figure(u) is not null)
            .Select(u => new Measurement<double>(figure(u)!.Value, new KeyValuePair<string, object?>("group", g.Key), new KeyValuePair<string, object?>("user", u.User))));
}
