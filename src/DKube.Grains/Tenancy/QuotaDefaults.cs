namespace DKube.Grains.Tenancy;

/// <summary>
/// The server-wide object quotas of every group that sets none (README: <c>DKUBE_QUOTA_*</c>):
/// workloads waiting in a group's pool per member and in all, deployments and monitors per group.
/// </summary>
public sealed record QuotaDefaults(int QueuedPerUser = 1_000, int QueuedPerGroup = 10_000, int Deployments = 100, int Monitors = 100)
{
    /// <summary>Refuses a setting that would make every submission fail or no bound at all.</summary>
    public QuotaDefaults Validate() =>
        QueuedPerUser < 0 || QueuedPerGroup < 0 || Deployments < 0 || Monitors < 0
            ? throw new InvalidOperationException("DKUBE_QUOTA_* must be 0 or more.")
            : this;
}
