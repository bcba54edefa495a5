namespace DKube.Abstractions.Tenancy;

/// <summary>A partial update of a project: null fields are left as they are.</summary>
[GenerateSerializer]
[Alias("dkube.project-change")]
public sealed record ProjectChange(
    [property: Id(0)] string? Description,
    [property: Id(1)] bool? Leaderboard);
