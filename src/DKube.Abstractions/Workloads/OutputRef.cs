namespace DKube.Abstractions.Workloads;

/// <summary>
/// Where a run's output goes: the next version of a model, dataset or featureset. Without a
/// <see cref="RepoId"/> (a spec made by a parent, never by the API: a leaderboard's evaluation) the
/// run gets an output folder (DKUBE_OUTPUT_DIR) that its parent reads and that is never kept as a version.
/// </summary>
[GenerateSerializer]
[Alias("dkube.output-ref")]
public sealed record OutputRef(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] string? RepoId = null);
