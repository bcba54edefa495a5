namespace DKube.Scheduling;

/// <summary>Which quota a refused request would break (<see cref="QueueQuota.QueuedPerUser"/> or <see cref="QueueQuota.QueuedPerGroup"/>), its limit and its current use.</summary>
public sealed record QuotaBreach(string Quota, int Limit, int Use);
