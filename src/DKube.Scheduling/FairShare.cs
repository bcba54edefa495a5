namespace DKube.Scheduling;

/// <summary>
/// Max-min fair shares of a fixed number of slots (an API process's concurrent requests) among
/// tenants that each want some of them: water filling, as Kueue's fair sharing and Slurm's fairshare
/// divide a cluster. A tenant that wants less than the water level gets all it wants; every other
/// tenant gets the level, and the level is the highest the slots allow. So a flooding tenant's share
/// shrinks as soon as another tenant wants slots, and that tenant's share is never below an equal
/// split. A reserve keeps a few slots out of any one tenant's reach, so that a tenant who arrives
/// while another floods finds a free slot at once rather than waiting for the flood's requests to end.
/// </summary>
public static class FairShare
{
    /// <summary>
    /// The water level of max-min fairness: the most slots any one tenant may hold when the tenants
    /// want <paramref name="demands"/> (each: slots held plus requests waiting; zeros are ignored).
    /// Rounded up, so that every slot can be used when shares do not divide evenly (the slots
    /// themselves still bound the total). <paramref name="capacity"/> when every demand fits.
    /// </summary>
    public static int Level(int capacity, IEnumerable<int> demands)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        var sorted = demands.Where(d => d > 0).Order().ToList();
        var remaining = capacity;
        for (var i = 0; i < sorted.Count; i++)
        {
            var sharing = sorted.Count - i;
            // Everyone from i on wants more than an equal split of what is left: that split is the level.
            if ((long)sorted[i] * sharing > remaining)
            {
                return Math.Max(1, (remaining + sharing - 1) / sharing);
            }

            remaining -= sorted[i];
        }

        return capacity;
    }

    /// <summary>
    /// The most slots one tenant may hold: the water <see cref="Level"/>, and never more than
    /// <paramref name="capacity"/> - <paramref name="reserve"/> (at least one slot), so that
    /// <paramref name="reserve"/> slots stay free for a tenant who is not yet asking.
    /// </summary>
    public static int Cap(int capacity, int reserve, IEnumerable<int> demands) =>
        Math.Max(1, Math.Min(Level(capacity, demands), capacity - Math.Max(0, reserve)));

    /// <summary>The default reserve of <paramref name="capacity"/> slots: an eighth, at least one when there are two or more.</summary>
    public static int DefaultReserve(int capacity) => capacity < 2 ? 0 : Math.Max(1, capacity / 8);
}
