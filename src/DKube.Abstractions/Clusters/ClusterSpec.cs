namespace DKube.Abstractions.Clusters;

/// <summary>
/// A cluster as the operator registers it. <see cref="Settings"/> holds the backend's connection
/// fields (Slurm endpoint, user, token, partition, API version; a kubeconfig and namespace);
/// they stay inside the silos and are never shown by the API.
/// </summary>
[GenerateSerializer]
[Alias("dkube.cluster-spec")]
public sealed record ClusterSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] ClusterKind Kind,
    [property: Id(2)] IReadOnlyList<NodeInfo> Nodes,
    [property: Id(3)] IReadOnlyDictionary<string, string> Settings);
