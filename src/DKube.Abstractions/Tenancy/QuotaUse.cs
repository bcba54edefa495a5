namespace DKube.Abstractions.Tenancy;

/// <summary>
/// One object quota of a group as it stands: its name (<c>queued-per-user</c>, <c>queued-per-group</c>,
/// <c>deployments</c>, <c>monitors</c>), its limit and the current use (null where the domain that
/// counts it is not built yet). Shown by <c>GET /me</c> and carried by a <c>quota-exceeded</c> refusal.
/// </summary>
[GenerateSerializer]
[Alias("dkube.quota-use")]
public sealed record QuotaUse(
    [property: Id(0)] string Group,
    [property: Id(1)] string Quota,
    [property: Id(2)] int Limit,
    [property: Id(3)] int? Use);
