namespace DKube.Abstractions.Repos;

/// <summary>A new code repository, as validated by the API. <c>KnownHosts</c> pins the ssh host keys git accepts for it.</summary>
[GenerateSerializer]
[Alias("dkube.code-repo-spec")]
public sealed record CodeRepoSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] string Owner,
    [property: Id(2)] string Group,
    [property: Id(3)] string? Project,
    [property: Id(4)] string Url,
    [property: Id(5)] string Branch,
    [property: Id(6)] string? Commit,
    [property: Id(7)] string? Description,
    [property: Id(8)] AccessCredentials? Credentials,
    [property: Id(9)] bool UseLastCredentials,
    [property: Id(10)] CredentialKind? LastCredentialsKind,
    [property: Id(11)] string? KnownHosts = null);
