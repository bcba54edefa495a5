namespace DKube.Scheduling;

/// <summary>
/// How many requests may wait in a pool's queue: per owner and in all. Checked when a request would
/// join the queue (one that is admitted at once never counts), so a tenant cannot park an unbounded
/// backlog in its group's pool. Null means no bound.
/// </summary>
public sealed record QueueQuota(int? PerOwner, int? Total)
{
    /// <summary>The name of the per-owner bound in refusals and views.</summary>
    public const string QueuedPerUser = "queued-per-user";

    /// <summary>The name of the bound on the whole queue in refusals and views.</summary>
    public const string QueuedPerGroup = "queued-per-group";

    public static readonly QueueQuota Unlimited = new(null, null);
}
