namespace DKube.Abstractions.Serving;

/// <summary>The model version behind an endpoint: the repository's name as given, its id, the exact version.</summary>
[GenerateSerializer]
[Alias("dkube.deployment-model")]
public sealed record DeploymentModel(
    [property: Id(0)] string Name,
    [property: Id(1)] string RepoId,
    [property: Id(2)] int Version);
