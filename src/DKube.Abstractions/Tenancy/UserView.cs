namespace DKube.Abstractions.Tenancy;

[GenerateSerializer]
[Alias("dkube.user")]
public sealed record UserView(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> Roles,
    [property: Id(2)] DateTimeOffset CreatedAt);
