namespace DKube.Abstractions.Monitors;

/// <summary>
/// The baseline: a CSV <see cref="File"/> in a dataset version (the version's one CSV file when
/// not named), with the columns that hold the model's prediction and the ground truth.
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-baseline")]
public sealed record MonitorBaseline(
    [property: Id(0)] string Dataset,
    [property: Id(1)] string DatasetName,
    [property: Id(2)] int Version,
    [property: Id(3)] string? PredictionColumn,
    [property: Id(4)] string? LabelColumn,
    [property: Id(5)] string? File);
