namespace DKube.Abstractions.Repos;

/// <summary>
/// A new dataset, featureset or model. A versioned repository keeps immutable versions in the
/// version store; a non-versioned one only points at <see cref="Location"/> (a folder or URL).
/// </summary>
[GenerateSerializer]
[Alias("dkube.data-repo-spec")]
public sealed record DataRepoSpec(
    [property: Id(0)] RepoKind Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] string Owner,
    [property: Id(3)] string Group,
    [property: Id(4)] string? Project,
    [property: Id(5)] string? Description,
    [property: Id(6)] bool Versioned,
    [property: Id(7)] string? Location,
    [property: Id(8)] IReadOnlyList<string> Tags,
    [property: Id(9)] IReadOnlyList<FeatureField>? Features);
