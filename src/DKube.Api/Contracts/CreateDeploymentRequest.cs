namespace DKube.Api.Contracts;

/// <summary>POST /deployments (API.md, Serving).</summary>
public sealed record CreateDeploymentRequest(
    string? Name,
    DeploymentModelRequest? Model,
    string? Group,
    string? Project,
    string? Description,
    ServingRequest? Serving,
    TransformerRequest? Transformer,
    bool? Production,
    int? Gpus,
    ResourceRangeRequest? Cpu,
    ResourceRangeRequest? MemoryGiB,
    int? MinReplicas,
    int? MaxReplicas,
    int? MaxConcurrentRequests,
    string? Cluster,
    bool? LogPredictions);
