namespace DKube.Abstractions.Live;

/// <summary>
/// What one running execution uses, as its executor last sampled it: GPUs held (from its
/// allocation), their utilization where <c>nvidia-smi</c> answers (percent, 0-100), CPU cores in use
/// (CPU seconds per second over the last interval) and resident memory of its processes.
/// </summary>
[GenerateSerializer]
[Alias("dkube.workload-usage")]
public sealed record WorkloadUsage(
    [property: Id(0)] string WorkloadId,
    [property: Id(1)] string Owner,
    [property: Id(2)] string Group,
    [property: Id(3)] int Gpus,
    [property: Id(4)] double? GpuUtilization,
    [property: Id(5)] double CpuCores,
    [property: Id(6)] long MemoryBytes);
