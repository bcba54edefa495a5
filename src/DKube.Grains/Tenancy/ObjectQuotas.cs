using DKube.Abstractions.Errors;
using DKube.Abstractions.Pools;
using DKube.Abstractions.Tenancy;

namespace DKube.Grains.Tenancy;

/// <summary>
/// The group's limits (set by the operator) over the server's <see cref="QuotaDefaults"/>. It keeps
/// nothing itself: each check reads the group grain, so a limit the operator sets applies to the next
/// creation, and the count comes from the caller, which is the single writer of what it counts.
/// </summary>
public sealed class ObjectQuotas(IGrainFactory grains, QuotaDefaults defaults) : IObjectQuotas
{
    public async Task EnsureRoomAsync(string group, string quota, int inUse)
    {
        var limit = LimitOf(await grains.GetGrain<IGroupGrain>(group).GetLimits(), quota);
        if (inUse >= limit)
        {
            throw DomainException.QuotaExceeded(new QuotaUse(group, quota, limit, inUse),
                $"Group '{group}' has {inUse} {quota}; its quota is {limit}.");
        }
    }

    public async Task<IReadOnlyList<QuotaUse>> UseOfAsync(string group, string user)
    {
        var limits = grains.GetGrain<IGroupGrain>(group).GetLimits();
        var queued = await grains.GetGrain<IGroupPoolGrain>(group).GetQueueUse(user);
        return
        [
            .. queued,
            new QuotaUse(group, IObjectQuotas.Deployments, LimitOf(await limits, IObjectQuotas.Deployments), null),
            new QuotaUse(group, IObjectQuotas.Monitors, LimitOf(await limits, IObjectQuotas.Monitors), null),
        ];
    }

    private int LimitOf(GroupLimits limits, string quota) => quota switch
    {
        IObjectQuotas.Deployments => limits.Deployments ?? defaults.Deployments,
        IObjectQuotas.Monitors => limits.Monitors ?? defaults.Monitors,
        _ => throw new ArgumentOutOfRangeException(nameof(quota), quota, "Queued workloads are checked by the group's pool."),
    };
}
