namespace DKube.Abstractions.Repos;

/// <summary>One feature of a featureset's specification.</summary>
[GenerateSerializer]
[Alias("dkube.feature-field")]
public sealed record FeatureField(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] string Schema);
