namespace DKube.Abstractions.Clusters;

/// <summary>A cluster as the API shows it: nodes, capacity, use and health; never its credentials.</summary>
[GenerateSerializer]
[Alias("dkube.cluster")]
public sealed record ClusterView(
    [property: Id(0)] string Name,
    [property: Id(1)] ClusterKind Kind,
    [property: Id(2)] IReadOnlyList<NodeInfo> Nodes,
    [property: Id(3)] int Gpus,
    [property: Id(4)] int UsedGpus,
    [property: Id(5)] string Health,
    [property: Id(6)] DateTimeOffset CreatedAt);
