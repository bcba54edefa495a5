using DKube.Abstractions.Clusters;

namespace DKube.Api.Contracts;

/// <summary>
/// POST /clusters. <c>local</c> clusters declare their nodes; <c>slurm</c> ones give
/// <c>endpoint, user, token, partition?, apiVersion?</c>; <c>kubernetes</c> ones <c>kubeconfig?, namespace?</c>.
/// </summary>
public sealed record CreateClusterRequest(
    string? Name,
    ClusterKind? Kind,
    IReadOnlyList<NodeRequest>? Nodes,
    string? Endpoint,
    string? User,
    string? Token,
    string? Partition,
    string? ApiVersion,
    string? Kubeconfig,
    string? Namespace);
