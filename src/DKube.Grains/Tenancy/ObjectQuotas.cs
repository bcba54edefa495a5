using DKube.Abstractions.Pools;
using DKube.Abstractions.Tenancy;

namespace DKube.Grains.Tenancy;

/// <summary>
/// The object quotas as the domains see them: queued workloads are the group's pool's to count,
/// the other objects the group grain's (it holds the operator's limits and the claimed ids, so the
/// check and the count are one turn of one grain: exact, whatever runs concurrently).
/// </summary>
public sealed class ObjectQuotas(IGrainFactory grains) : IObjectQuotas
{
    public Task ClaimAsync(string group, string quota, string id) => grains.GetGrain<IGroupGrain>(group).ClaimObject(quota, id);

    public Task ReleaseAsync(string group, string quota, string id) => grains.GetGrain<IGroupGrain>(group).ReleaseObject(quota, id);

    public async Task<IReadOnlyList<QuotaUse>> UseOfAsync(string group, string user)
    {
        var objects = grains.GetGrain<IGroupGrain>(group).GetObjectUse();
        var queued = await grains.GetGrain<IGroupPoolGrain>(group).GetQueueUse(user);
        return [.. queued, .. await objects];
    }
}
