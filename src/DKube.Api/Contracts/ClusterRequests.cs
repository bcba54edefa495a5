using DKube.Abstractions.Clusters;

namespace DKube.Api.Contracts;

/// <summary>
/// POST /clusters. <c>local</c> clusters declare their nodes; <c>slurm</c> ones give
/// <c>endpoint, user, token, partition?, apiVersion?, outputDirectory?, jobCompLog?</c> (the last two: folders
/// the silo shares with the Slurm nodes, for logs and final states); <c>kubernetes</c> ones <c>kubeconfig?, namespace?</c>.
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
    string? Namespace,
    string? OutputDirectory,
    string? JobCompLog);
