namespace DKube.Abstractions.Workloads;

/// <summary>
/// What a backend says about one execution of a workload (the wire form of an executor's status),
/// or what the agent of its cluster says about a step it performs for it: a <see cref="WorkloadStatus.Starting"/>
/// with a <see cref="WorkloadSteps"/> reason while its inputs are staged, a <see cref="WorkloadStatus.Complete"/>
/// with <see cref="OutputVersion"/> once its output is kept. <see cref="Endpoint"/>: where work that serves HTTP
/// is reached while it runs (<c>http://host:port</c>).
/// </summary>
[GenerateSerializer]
[Alias("dkube.execution-report")]
public sealed record ExecutionReport(
    [property: Id(0)] int Attempt,
    [property: Id(1)] WorkloadStatus Status,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] int? ExitCode,
    [property: Id(4)] string? Reason,
    [property: Id(5)] int? OutputVersion = null,
    [property: Id(6)] string? Endpoint = null);
