namespace DKube.Abstractions.Serving;

/// <summary>A ready replica the gateway may send requests to.</summary>
[GenerateSerializer]
[Alias("dkube.route-target")]
public sealed record RouteTarget(
    [property: Id(0)] string ReplicaId,
    [property: Id(1)] string Url);
