namespace DKube.Abstractions.Repos;

/// <summary>One version of one dataset, featureset or model.</summary>
[GenerateSerializer]
[Alias("dkube.version-id")]
public sealed record VersionId(
    [property: Id(0)] RepoKind Kind,
    [property: Id(1)] string RepoId,
    [property: Id(2)] int Version);
