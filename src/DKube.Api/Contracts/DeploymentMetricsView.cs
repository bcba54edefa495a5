using DKube.Abstractions.Serving;

namespace DKube.Api.Contracts;

/// <summary>
/// GET /deployments/{id}/metrics: requests, errors and latency percentiles per step over
/// <c>[from, to)</c> (steps without requests omitted), and the replica counts each time they changed.
/// </summary>
public sealed record DeploymentMetricsView(
    DateTimeOffset From,
    DateTimeOffset To,
    int StepSeconds,
    IReadOnlyList<PredictionWindowStats> Requests,
    IReadOnlyList<ReplicaSample> Replicas);
