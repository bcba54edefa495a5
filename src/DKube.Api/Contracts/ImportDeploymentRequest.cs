namespace DKube.Api.Contracts;

/// <summary>POST /deployments/import (API.md, Serving): a deployment served elsewhere, monitored here.</summary>
public sealed record ImportDeploymentRequest(
    string? Name,
    string? Url,
    string? Cluster,
    DeploymentModelRequest? Model,
    string? Group,
    string? Project,
    string? Description);
