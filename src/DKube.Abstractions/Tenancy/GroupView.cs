namespace DKube.Abstractions.Tenancy;

[GenerateSerializer]
[Alias("dkube.group")]
public sealed record GroupView(
    [property: Id(0)] string Name,
    [property: Id(1)] int Gpus,
    [property: Id(2)] IReadOnlyList<string> Clusters,
    [property: Id(3)] IReadOnlyList<string> Members,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] GroupLimits? Limits = null);
