namespace DKube.Abstractions.Repos;

/// <summary>
/// One immutable version. <see cref="Digest"/> is the SHA-256 of its manifest, so equal content
/// has an equal digest; <see cref="UsedBy"/> lists the runs that read it.
/// </summary>
[GenerateSerializer]
[Alias("dkube.version")]
public sealed record VersionView(
    [property: Id(0)] int Version,
    [property: Id(1)] string Digest,
    [property: Id(2)] long Size,
    [property: Id(3)] int FileCount,
    [property: Id(4)] string Creator,
    [property: Id(5)] string? Run,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] Lineage? Lineage,
    [property: Id(8)] IReadOnlyList<string> UsedBy,
    [property: Id(9)] ModelStage? Stage,
    [property: Id(10)] ServingSpec? Serving);
