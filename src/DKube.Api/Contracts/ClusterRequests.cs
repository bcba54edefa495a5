using DKube.Abstractions.Clusters;

namespace DKube.Api.Contracts;

/// <summary>
/// POST /clusters. <c>local</c> clusters declare their nodes; <c>slurm</c> ones give
/// <c>endpoint, user, token, partition?, apiVersion?, outputDirectory?, jobCompLog?, sharedPath?</c> (the last three: folders
/// the silo shares with the Slurm nodes, for logs, final states and each run's inputs, code and output);
/// <c>kubernetes</c> ones <c>kubeconfig?, namespace?, volumeClaim?, stagingPath?, mountPath?, clusterDomain?</c> (a PersistentVolumeClaim
/// the runs' pods mount at <c>mountPath</c>, which the silo sees at <c>stagingPath</c>; the DNS domain of its Services,
/// <c>cluster.local</c> unless the cluster was set up with another).
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
    string? JobCompLog,
    string? SharedPath = null,
    string? VolumeClaim = null,
    string? StagingPath = null,
    string? MountPath = null,
    string? ClusterDomain = null);
