namespace DKube.Abstractions.Tenancy;

/// <summary>
/// What the operator set for a group; a field left null keeps the server's default. The rates apply
/// to each member: one of several groups gets, per field, the most generous value any of them sets.
/// The quotas are the group's own: queued workloads in its pool (per member and in all), and its
/// deployments and monitors.
/// </summary>
[GenerateSerializer]
[Alias("dkube.group-limits")]
public sealed record GroupLimits(
    [property: Id(0)] double? ReadsPerSecond,
    [property: Id(1)] int? ReadBurst,
    [property: Id(2)] double? WritesPerSecond,
    [property: Id(3)] int? WriteBurst,
    [property: Id(4)] int? QueuedPerUser = null,
    [property: Id(5)] int? QueuedPerGroup = null,
    [property: Id(6)] int? Deployments = null,
    [property: Id(7)] int? Monitors = null)
{
    public static readonly GroupLimits None = new(null, null, null, null);
}
