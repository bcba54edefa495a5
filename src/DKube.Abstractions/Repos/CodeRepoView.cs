namespace DKube.Abstractions.Repos;

/// <summary>A code repository as the API shows it. Known hosts are public keys, so they are shown; credentials only by kind and user name.</summary>
[GenerateSerializer]
[Alias("dkube.code-repo")]
public sealed record CodeRepoView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Owner,
    [property: Id(3)] string Group,
    [property: Id(4)] string? Project,
    [property: Id(5)] string Url,
    [property: Id(6)] string Host,
    [property: Id(7)] string Branch,
    [property: Id(8)] string? Commit,
    [property: Id(9)] string? Description,
    [property: Id(10)] CredentialsView? Credentials,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] string? KnownHosts = null);
