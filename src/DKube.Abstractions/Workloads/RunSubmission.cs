using Orleans.Concurrency;

namespace DKube.Abstractions.Workloads;

/// <summary>A run of a batch as the API resolved it, with the id it is stored under. Immutable: a local call passes it without a copy.</summary>
[GenerateSerializer]
[Immutable]
[Alias("dkube.run-submission")]
public sealed record RunSubmission(
    [property: Id(0)] string Id,
    [property: Id(1)] WorkloadSpec Spec,
    [property: Id(2)] string Owner,
    [property: Id(3)] string? ClonedFrom,
    [property: Id(4)] string? Template);
