namespace DKube.Abstractions.Live;

/// <summary>How workload samples add up: per user sums, and the GPU-weighted mean utilization of the GPUs that report one.</summary>
public static class UtilizationRollup
{
    public static IReadOnlyList<UserUtilization> PerUser(IEnumerable<WorkloadUsage> workloads) =>
        workloads.GroupBy(w => w.Owner, StringComparer.Ordinal)
            .Select(u => User(u.Key, u.ToList()))
            .OrderBy(u => u.User, StringComparer.Ordinal)
            .ToList();

    public static UserUtilization User(string user, IReadOnlyCollection<WorkloadUsage> workloads) =>
        new(user, workloads.Sum(w => w.Gpus), MeanGpuUtilization(workloads), workloads.Sum(w => w.CpuCores), workloads.Sum(w => w.MemoryBytes), workloads.Count);

    public static double? MeanGpuUtilization(IEnumerable<WorkloadUsage> workloads)
    {
        var measured = workloads.Where(w => w.GpuUtilization is not null && w.Gpus > 0).ToList();
        return measured.Count == 0 ? null : measured.Sum(w => w.GpuUtilization!.Value * w.Gpus) / measured.Sum(w => w.Gpus);
    }
}
