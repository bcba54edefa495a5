namespace DKube.Abstractions.Repos;

/// <summary>One distinct file content of a version: its hash in the version store and its size in bytes.</summary>
[GenerateSerializer]
[Alias("dkube.stored-content")]
public sealed record StoredContent(
    [property: Id(0)] string Hash,
    [property: Id(1)] long Size);
