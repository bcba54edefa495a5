namespace DKube.Abstractions.Workloads;

/// <summary>Where a run's output goes: the next version of a model, dataset or featureset.</summary>
[GenerateSerializer]
[Alias("dkube.output-ref")]
public sealed record OutputRef(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] string? RepoId = null);
