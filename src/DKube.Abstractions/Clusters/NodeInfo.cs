namespace DKube.Abstractions.Clusters;

[GenerateSerializer]
[Alias("dkube.node")]
public sealed record NodeInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] int Gpus,
    [property: Id(2)] int Cpus,
    [property: Id(3)] int MemoryGiB,
    [property: Id(4)] IReadOnlyList<string> Labels);
