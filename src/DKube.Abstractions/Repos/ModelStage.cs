namespace DKube.Abstractions.Repos;

/// <summary>Where a model version is in its life.</summary>
[GenerateSerializer]
[Alias("dkube.model-stage")]
public enum ModelStage
{
    Development,
    Published,
    Deployed,
}
