namespace DKube.Api.Contracts;

/// <summary>PATCH /deployments/{id}: another model version (rolled out with no failed request) and/or new scaling bounds.</summary>
public sealed record UpdateDeploymentRequest(DeploymentModelRequest? Model, int? MinReplicas, int? MaxReplicas, int? MaxConcurrentRequests);
