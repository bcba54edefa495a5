namespace DKube.Abstractions.Monitors;

/// <summary>
/// An evaluation that could not run for a passing cause (no silo of the monitor's cluster is up,
/// the silo computing it went away): the monitor stays as it was and the next tick tries again.
/// <see cref="Type"/> is stable (<c>cluster-unavailable</c>, <c>evaluation-failed</c>).
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-evaluation-error")]
public sealed record MonitorEvaluationError(
    [property: Id(0)] string Component,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Type,
    [property: Id(3)] string Message);
