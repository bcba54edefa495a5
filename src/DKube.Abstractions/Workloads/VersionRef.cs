namespace DKube.Abstractions.Workloads;

/// <summary>An input of a run: a dataset, featureset or model version (latest when not named) mounted at a path.</summary>
[GenerateSerializer]
[Alias("dkube.version-ref")]
public sealed record VersionRef(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] int? Version,
    [property: Id(3)] string MountPath);
