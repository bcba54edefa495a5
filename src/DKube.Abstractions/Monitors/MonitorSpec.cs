namespace DKube.Abstractions.Monitors;

/// <summary>
/// What a monitor is asked to watch, resolved by the API (ids, versions, defaults filled in).
/// <see cref="Cluster"/> names the cluster a silo of which computes its evaluations (null: the
/// monitor's own silo computes them).
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-spec")]
public sealed record MonitorSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] string Deployment,
    [property: Id(2)] string ModelType,
    [property: Id(3)] MonitorBaseline Baseline,
    [property: Id(4)] IReadOnlyList<MonitorFeature> Features,
    [property: Id(5)] MonitorSchedule Schedule,
    [property: Id(6)] IReadOnlyDictionary<string, ThresholdSpec> Thresholds,
    [property: Id(7)] IReadOnlyList<AlertSpec> Alerts,
    [property: Id(8)] string? Cluster = null);
