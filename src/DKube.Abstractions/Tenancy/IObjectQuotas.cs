namespace DKube.Abstractions.Tenancy;

/// <summary>
/// The object quotas of groups, for the domains that create what they bound. The queued-workload
/// quotas are checked by the group's pool itself (it is the one place that counts them exactly);
/// the other objects are counted by their group's grain: a domain claims a place for the object's
/// id before it stores a new one, and gives it back when the object goes (or was not stored after all):
/// <code>await quotas.ClaimAsync(group, IObjectQuotas.Deployments, id); ... await quotas.ReleaseAsync(group, IObjectQuotas.Deployments, id);</code>
/// </summary>
public interface IObjectQuotas
{
    public const string Deployments = "deployments";

    public const string Monitors = "monitors";

    /// <summary>Counts <paramref name="id"/> against <paramref name="group"/>'s <paramref name="quota"/>; throws 422 <c>quota-exceeded</c> (naming the quota, its limit and use) when the group has no room. Idempotent per id.</summary>
    Task ClaimAsync(string group, string quota, string id);

    /// <summary>Gives back what <paramref name="id"/> claimed; a no-op when it claimed nothing.</summary>
    Task ReleaseAsync(string group, string quota, string id);

    /// <summary>The group's quotas with <paramref name="user"/>'s use where it is counted (for <c>GET /me</c>).</summary>
    Task<IReadOnlyList<QuotaUse>> UseOfAsync(string group, string user);
}
