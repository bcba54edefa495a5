namespace DKube.Abstractions.Monitors;

/// <summary>An edit of the inferred schema: a column's kind (<c>categorical</c>, <c>continuous</c>) and whether it is monitored.</summary>
[GenerateSerializer]
[Alias("dkube.monitor-feature")]
public sealed record MonitorFeature(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Kind,
    [property: Id(2)] bool? Use);
