using DKube.Abstractions.Tenancy;

namespace DKube.Api.Limits;

/// <summary>The limits that apply to one caller: the server's defaults, raised or lowered by the operator's group limits.</summary>
public sealed record CallerLimits(double ReadsPerSecond, int ReadBurst, double WritesPerSecond, int WriteBurst)
{
    /// <summary>
    /// Per field, the most generous value that any of the caller's groups sets, else the default:
    /// joining a group never lowers a member's budget below what another group granted.
    /// </summary>
    public static CallerLimits Resolve(TenantLimitSettings defaults, IReadOnlyCollection<GroupLimits> groups)
    {
        var reads = Max(groups.Select(g => g.ReadsPerSecond)) ?? defaults.ReadsPerSecond;
        var writes = Max(groups.Select(g => g.WritesPerSecond)) ?? defaults.WritesPerSecond;
        var readBurst = Max(groups.Select(g => g.ReadBurst)) ?? (Max(groups.Select(g => g.ReadsPerSecond)) is { } r
            ? TenantLimitSettings.DefaultBurst(r) : Burst(defaults.ReadBurst, defaults.ReadsPerSecond));
        var writeBurst = Max(groups.Select(g => g.WriteBurst)) ?? (Max(groups.Select(g => g.WritesPerSecond)) is { } w
            ? TenantLimitSettings.DefaultBurst(w) : Burst(defaults.WriteBurst, defaults.WritesPerSecond));
        return new CallerLimits(reads, readBurst, writes, writeBurst);
    }

    private static int Burst(int configured, double perSecond) => configured > 0 ? configured : TenantLimitSettings.DefaultBurst(perSecond);

    private static T? Max<T>(IEnumerable<T?> values) where T : struct, IComparable<T>
    {
        T? best = null;
        foreach (var value in values)
        {
            if (value is { } v && (best is not { } b || v.CompareTo(b) > 0))
            {
                best = v;
            }
        }

        return best;
    }
}
