namespace DKube.Abstractions.Repos;

/// <summary>
/// The version a pipeline task's artifact became: <see cref="Version"/> of its repository, and
/// <see cref="Entry"/>, the file inside it when the artifact was one file (null: a folder).
/// </summary>
[GenerateSerializer]
[Alias("dkube.kept-artifact")]
public sealed record KeptArtifact(
    [property: Id(0)] VersionId Version,
    [property: Id(1)] string? Entry);
