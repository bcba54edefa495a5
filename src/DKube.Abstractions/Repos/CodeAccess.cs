namespace DKube.Abstractions.Repos;

/// <summary>What git needs to reach a code repository; the credentials stay sealed until the resolver uses them.</summary>
[GenerateSerializer]
[Alias("dkube.code-access")]
public sealed record CodeAccess(
    [property: Id(0)] string Url,
    [property: Id(1)] string Branch,
    [property: Id(2)] string? Commit,
    [property: Id(3)] byte[]? SealedCredentials,
    [property: Id(4)] string? KnownHosts = null);
