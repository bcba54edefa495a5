namespace DKube.Abstractions.Workloads;

/// <summary>A distributed run: <see cref="Workers"/> workers besides the master, each with the run's GPUs.</summary>
[GenerateSerializer]
[Alias("dkube.distribution")]
public sealed record Distribution(
    [property: Id(0)] DistributionMode Mode,
    [property: Id(1)] int Workers);
