namespace DKube.Abstractions.Monitors;

/// <summary>
/// One column of a monitor's schema: its kind (<c>categorical</c>, <c>continuous</c>) and role
/// (<c>input</c>, <c>prediction</c>, <c>label</c>, <c>id</c>, <c>timestamp</c>, <c>ignored</c>).
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-column")]
public sealed record MonitorColumn(
    [property: Id(0)] string Name,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Role);
