namespace DKube.Abstractions.Serving;

/// <summary>
/// What the gateway needs to route a deployment's requests: who may call it, where its ready
/// replicas are (only those of the model version now serving), how many requests each takes at
/// once. <see cref="Version"/> grows with every change, so a gateway asks only for news.
/// </summary>
[GenerateSerializer]
[Alias("dkube.deployment-routes")]
public sealed record DeploymentRoutes(
    [property: Id(0)] long Version,
    [property: Id(1)] string Owner,
    [property: Id(2)] string Group,
    [property: Id(3)] DeploymentStatus Status,
    [property: Id(4)] IReadOnlyList<RouteTarget> Targets,
    [property: Id(5)] int MaxConcurrentRequests,
    [property: Id(6)] string Prefix,
    [property: Id(7)] bool LogPredictions,
    [property: Id(8)] string ModelName,
    [property: Id(9)] int ModelVersion);
