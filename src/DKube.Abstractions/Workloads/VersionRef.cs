namespace DKube.Abstractions.Workloads;

/// <summary>
/// An input of a run: a dataset, featureset or model version (latest when not named) mounted at
/// a path. <see cref="Name"/> is what the user wrote (a name or an id); <see cref="RepoId"/> is
/// what the API resolved it to. <see cref="Variable"/>, when set, is an environment variable that
/// names the folder where the input is staged (a leaderboard's <c>DKUBE_SUBMISSION_DIR</c>).
/// </summary>
[GenerateSerializer]
[Alias("dkube.version-ref")]
public sealed record VersionRef(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] int? Version,
    [property: Id(3)] string MountPath,
    [property: Id(4)] string? RepoId = null,
    [property: Id(5)] string? Variable = null);
