namespace DKube.Abstractions.Workloads;

/// <summary>
/// The code a run uses: a code repo (name or id as written; <see cref="RepoId"/> once resolved)
/// and the commit, which the API fixes at submission (the latest of the branch when not named).
/// </summary>
[GenerateSerializer]
[Alias("dkube.code-ref")]
public sealed record CodeRef(
    [property: Id(0)] string Repo,
    [property: Id(1)] string? Commit,
    [property: Id(2)] string? RepoId = null);
