namespace DKube.Abstractions.Repos;

/// <summary>
/// A version whose content is already in the version store, to be numbered by its repository.
/// With a <see cref="Key"/> (a run's execution id) it is made once: a retry answers the version the
/// first attempt made. <see cref="Contents"/> are its distinct file contents, which the repository
/// stores beside the version (in the same write) so that storage is added up in the database.
/// </summary>
[GenerateSerializer]
[Alias("dkube.new-version")]
public sealed record NewVersion(
    [property: Id(0)] string Digest,
    [property: Id(1)] long Size,
    [property: Id(2)] int FileCount,
    [property: Id(3)] string Creator,
    [property: Id(4)] Lineage? Lineage,
    [property: Id(5)] string? Key = null,
    [property: Id(6)] IReadOnlyList<StoredContent>? Contents = null);
