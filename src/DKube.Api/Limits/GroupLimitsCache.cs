using System.Collections.Concurrent;
using DKube.Abstractions.Tenancy;

namespace DKube.Api.Limits;

/// <summary>
/// The operator's group limits as this API process last read them. A grain call per request would
/// double the cost of the cheapest reads, so an entry is kept for <see cref="Lifetime"/>; a change made
/// through this process is seen at once, one made through another API process within that lifetime.
/// </summary>
public sealed class GroupLimitsCache(IGrainFactory grains, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, (GroupLimits Limits, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public async ValueTask<IReadOnlyCollection<GroupLimits>> ForAsync(IReadOnlyList<string> groups)
    {
        var now = time.GetUtcNow();
        var limits = new List<GroupLimits>(groups.Count);
        foreach (var group in groups)
        {
            if (!_entries.TryGetValue(group, out var entry) || entry.Until <= now)
            {
                entry = (await grains.GetGrain<IGroupGrain>(group).GetLimits(), now + Lifetime);
                _entries[group] = entry;
            }

            limits.Add(entry.Limits);
        }

        return limits;
    }

    /// <summary>Records a change this process made, so that it applies from the next request.</summary>
    public void Set(string group, GroupLimits limits) => _entries[group] = (limits, time.GetUtcNow() + Lifetime);
}
