namespace DKube.Abstractions.Monitors;

/// <summary>The {soft, hard} thresholds of one feature's drift score or one metric.</summary>
[GenerateSerializer]
[Alias("dkube.monitor-threshold")]
public sealed record ThresholdSpec(
    [property: Id(0)] double Soft,
    [property: Id(1)] double Hard);
