namespace DKube.Abstractions.Tenancy;

/// <summary>
/// The object quotas of groups, for the domains that create what they bound. The queued-workload
/// quotas are checked by the group's pool itself (it is the one place that counts them exactly);
/// the deployment and monitor domains call <see cref="EnsureRoomAsync"/> from their single writer of
/// the group's count, before they store a new one, with the count as it stands:
/// <code>await quotas.EnsureRoomAsync(group, IObjectQuotas.Deployments, deploymentsOfGroup);</code>
/// </summary>
public interface IObjectQuotas
{
    public const string Deployments = "deployments";

    public const string Monitors = "monitors";

    /// <summary>Throws 422 <c>quota-exceeded</c> (naming the quota, its limit and <paramref name="inUse"/>) when the group has no room for one more.</summary>
    Task EnsureRoomAsync(string group, string quota, int inUse);

    /// <summary>The group's quotas with <paramref name="user"/>'s use where it is counted (for <c>GET /me</c>).</summary>
    Task<IReadOnlyList<QuotaUse>> UseOfAsync(string group, string user);
}
