namespace DKube.Abstractions.Repos;

[GenerateSerializer]
[Alias("dkube.image")]
public sealed record ImageView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Owner,
    [property: Id(3)] string Group,
    [property: Id(4)] string? Project,
    [property: Id(5)] string Url,
    [property: Id(6)] string? Description,
    [property: Id(7)] CredentialsView? Credentials,
    [property: Id(8)] DateTimeOffset CreatedAt);
