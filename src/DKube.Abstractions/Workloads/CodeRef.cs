namespace DKube.Abstractions.Workloads;

/// <summary>The code a run uses: a code repo and the commit (latest at submission when not named).</summary>
[GenerateSerializer]
[Alias("dkube.code-ref")]
public sealed record CodeRef(
    [property: Id(0)] string Repo,
    [property: Id(1)] string? Commit);
