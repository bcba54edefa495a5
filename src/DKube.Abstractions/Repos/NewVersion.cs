namespace DKube.Abstractions.Repos;

/// <summary>A version whose content is already in the version store, to be numbered by its repository.</summary>
[GenerateSerializer]
[Alias("dkube.new-version")]
public sealed record NewVersion(
    [property: Id(0)] string Digest,
    [property: Id(1)] long Size,
    [property: Id(2)] int FileCount,
    [property: Id(3)] string Creator,
    [property: Id(4)] Lineage? Lineage);
