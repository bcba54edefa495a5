namespace DKube.Abstractions.Clusters;

/// <summary>
/// A cluster as the API shows it: nodes, capacity, use and health; never its credentials.
/// <see cref="Placement"/> says where the grain that talks to its backend runs: <c>cluster</c> (a
/// silo of this cluster), <c>fallback</c> (no such silo: another one stands in) or null (not known yet).
/// <see cref="Queue"/> lists the workloads their pools admitted that wait for room here, in the order
/// the cluster will place them.
/// </summary>
[GenerateSerializer]
[Alias("dkube.cluster")]
public sealed record ClusterView(
    [property: Id(0)] string Name,
    [property: Id(1)] ClusterKind Kind,
    [property: Id(2)] IReadOnlyList<NodeInfo> Nodes,
    [property: Id(3)] int Gpus,
    [property: Id(4)] int UsedGpus,
    [property: Id(5)] string Health,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] string? Placement = null,
    [property: Id(8)] string? AgentSilo = null,
    [property: Id(9)] IReadOnlyList<ClusterQueueItem>? Queue = null);
