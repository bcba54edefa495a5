namespace DKube.Abstractions.Repos;

/// <summary>The kinds of repository: code (git) and the three kinds of versioned data.</summary>
[GenerateSerializer]
[Alias("dkube.repo-kind")]
public enum RepoKind
{
    Code,
    Dataset,
    FeatureSet,
    Model,
}
