namespace DKube.Abstractions.Repos;

/// <summary>A partial update of a code repository: null fields are left as they are; an empty commit unpins it and empty known hosts drop the pinned host keys.</summary>
[GenerateSerializer]
[Alias("dkube.code-repo-change")]
public sealed record CodeRepoChange(
    [property: Id(0)] string? Url,
    [property: Id(1)] string? Branch,
    [property: Id(2)] string? Commit,
    [property: Id(3)] string? Description,
    [property: Id(4)] string? Project,
    [property: Id(5)] AccessCredentials? Credentials,
    [property: Id(6)] bool RemoveCredentials,
    [property: Id(7)] string? KnownHosts = null);
