using DKube.Abstractions.Workloads;

namespace DKube.Abstractions.Clusters;

/// <summary>
/// A backend's answer about one execution when asked (rather than pushed): its status in workload
/// terms, and whether the backend knows nothing of it any more (<see cref="Lost"/>).
/// </summary>
[GenerateSerializer]
[Alias("dkube.execution-probe")]
public sealed record ExecutionProbe(
    [property: Id(0)] string ExecutionId,
    [property: Id(1)] WorkloadStatus Status,
    [property: Id(2)] bool Lost,
    [property: Id(3)] bool Final,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] int? ExitCode,
    [property: Id(6)] string? Reason,
    [property: Id(7)] string? Endpoint = null);
