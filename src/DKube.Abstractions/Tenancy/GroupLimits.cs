namespace DKube.Abstractions.Tenancy;

/// <summary>
/// What the operator set for a group's members; a field left null keeps the server's default.
/// A member of several groups gets, per field, the most generous value any of them sets.
/// </summary>
[GenerateSerializer]
[Alias("dkube.group-limits")]
public sealed record GroupLimits(
    [property: Id(0)] double? ReadsPerSecond,
    [property: Id(1)] int? ReadBurst,
    [property: Id(2)] double? WritesPerSecond,
    [property: Id(3)] int? WriteBurst)
{
    public static readonly GroupLimits None = new(null, null, null, null);
}
