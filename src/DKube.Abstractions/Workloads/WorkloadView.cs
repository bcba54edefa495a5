namespace DKube.Abstractions.Workloads;

/// <summary>A run or IDE as the API shows it.</summary>
[GenerateSerializer]
[Alias("dkube.workload")]
public sealed record WorkloadView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] WorkloadType Type,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Owner,
    [property: Id(5)] string Group,
    [property: Id(6)] string? Project,
    [property: Id(7)] WorkloadStatus Status,
    [property: Id(8)] string? Reason,
    [property: Id(9)] int? ExitCode,
    [property: Id(10)] Allocation? Allocation,
    [property: Id(11)] int? QueuePosition,
    [property: Id(12)] DateTimeOffset CreatedAt,
    [property: Id(13)] DateTimeOffset? StartedAt,
    [property: Id(14)] DateTimeOffset? EndedAt,
    [property: Id(15)] WorkloadSpec Spec,
    [property: Id(16)] string? ClonedFrom,
    [property: Id(17)] string? Template,
    [property: Id(18)] int Attempt,
    [property: Id(19)] IReadOnlyList<Repos.VersionId>? InputVersions = null,
    [property: Id(20)] int? OutputVersion = null,
    [property: Id(21)] WorkloadParent? Parent = null);
