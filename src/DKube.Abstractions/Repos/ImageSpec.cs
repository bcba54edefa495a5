namespace DKube.Abstractions.Repos;

/// <summary>A new entry of the image catalog.</summary>
[GenerateSerializer]
[Alias("dkube.image-spec")]
public sealed record ImageSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] string Owner,
    [property: Id(2)] string Group,
    [property: Id(3)] string? Project,
    [property: Id(4)] string Url,
    [property: Id(5)] string? Description,
    [property: Id(6)] AccessCredentials? Credentials);
