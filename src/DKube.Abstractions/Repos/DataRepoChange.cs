namespace DKube.Abstractions.Repos;

/// <summary>A partial update of a dataset, featureset or model: null fields are left as they are.</summary>
[GenerateSerializer]
[Alias("dkube.data-repo-change")]
public sealed record DataRepoChange(
    [property: Id(0)] string? Description,
    [property: Id(1)] string? Project,
    [property: Id(2)] IReadOnlyList<string>? Tags,
    [property: Id(3)] IReadOnlyList<FeatureField>? Features);
