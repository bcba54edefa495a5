namespace DKube.Abstractions.Monitors;

/// <summary>
/// One score of an evaluation: a feature's drift (the p-value for tests, the distance otherwise,
/// with <see cref="Algorithm"/>) or a metric, and its state against its thresholds
/// (<c>ok</c>, <c>warning</c>, <c>critical</c>; a feature's drift without thresholds is
/// <c>critical</c> when it drifted by its method's own threshold).
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-score")]
public sealed record MonitorScore(
    [property: Id(0)] double Value,
    [property: Id(1)] string? Algorithm,
    [property: Id(2)] string State);
