namespace DKube.Executors.Usage;

/// <summary>
/// One sample of what a running execution uses: GPUs held (its allocation), their mean utilization
/// in percent where <c>nvidia-smi</c> answers (else null), CPU cores in use (CPU seconds per second
/// since the previous sample) and resident memory, over all its processes.
/// </summary>
public sealed record ExecutionUsage(string Id, string User, string Group, int Gpus, double? GpuUtilization, double CpuCores, long MemoryBytes);
