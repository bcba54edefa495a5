namespace DKube.Abstractions.Leaderboards;

/// <summary>The model version a member submitted: the name as given, the repository it resolved to and the version pinned.</summary>
[GenerateSerializer]
[Alias("dkube.submitted-model")]
public sealed record SubmittedModel(
    [property: Id(0)] string Name,
    [property: Id(1)] string RepoId,
    [property: Id(2)] int Version);
