namespace DKube.Abstractions.Workloads;

/// <summary>What a backend says about one execution of a workload (the wire form of an executor's status).</summary>
[GenerateSerializer]
[Alias("dkube.execution-report")]
public sealed record ExecutionReport(
    [property: Id(0)] int Attempt,
    [property: Id(1)] WorkloadStatus Status,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] int? ExitCode,
    [property: Id(4)] string? Reason);
