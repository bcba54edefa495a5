namespace DKube.Abstractions.Studies;

/// <summary>What the study optimizes: <c>minimize</c> or <c>maximize</c> a metric, up to an optional goal.</summary>
[GenerateSerializer]
[Alias("dkube.study-objective")]
public sealed record StudyObjective(
    [property: Id(0)] string Type,
    [property: Id(1)] string Metric,
    [property: Id(2)] double? Goal,
    [property: Id(3)] IReadOnlyList<string> AdditionalMetrics);
