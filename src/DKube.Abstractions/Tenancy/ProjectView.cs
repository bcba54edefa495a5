namespace DKube.Abstractions.Tenancy;

[GenerateSerializer]
[Alias("dkube.project")]
public sealed record ProjectView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Owner,
    [property: Id(3)] string Group,
    [property: Id(4)] string? Description,
    [property: Id(5)] bool Leaderboard,
    [property: Id(6)] DateTimeOffset CreatedAt);
