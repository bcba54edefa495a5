namespace DKube.Abstractions.Live;

/// <summary>A group's total use at one moment of its short history (<c>GET /utilization/history</c>).</summary>
[GenerateSerializer]
[Alias("dkube.utilization-point")]
public sealed record UtilizationPoint(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double Gpus,
    [property: Id(2)] double? GpuUtilization,
    [property: Id(3)] double CpuCores,
    [property: Id(4)] long MemoryBytes,
    [property: Id(5)] double Workloads);
