namespace DKube.Abstractions.Live;

/// <summary>A group's live use, per user: what the <c>utilization</c> topic carries and <c>GET /utilization</c> merges.</summary>
[GenerateSerializer]
[Alias("dkube.group-utilization")]
public sealed record GroupUtilization(
    [property: Id(0)] string Group,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] IReadOnlyList<UserUtilization> Users,
    [property: Id(3)] IReadOnlyList<WorkloadUsage> Workloads);
