namespace DKube.Abstractions.Serving;

/// <summary>A PATCH of a deployment: a new model version (rolled out without failed requests) and/or new scaling bounds; null leaves a field as it is.</summary>
[GenerateSerializer]
[Alias("dkube.deployment-change")]
public sealed record DeploymentChange(
    [property: Id(0)] DeploymentModel? Model,
    [property: Id(1)] int? MinReplicas,
    [property: Id(2)] int? MaxReplicas,
    [property: Id(3)] int? MaxConcurrentRequests);
