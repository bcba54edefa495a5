namespace DKube.Abstractions.Live;

/// <summary>One user's use, summed over their running workloads (in one group, or over every visible group).</summary>
[GenerateSerializer]
[Alias("dkube.user-utilization")]
public sealed record UserUtilization(
    [property: Id(0)] string User,
    [property: Id(1)] int Gpus,
    [property: Id(2)] double? GpuUtilization,
    [property: Id(3)] double CpuCores,
    [property: Id(4)] long MemoryBytes,
    [property: Id(5)] int Workloads);
