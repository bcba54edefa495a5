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
    public static int Level(int capacity, IEnumerable<int> demands) => Water(capacity, demands).Level;

    /// <summary>
    /// The water <see cref="Level"/> with what it rests on, so that a caller who keeps demands up to
    /// date can tell when the level must be computed again (<see cref="WaterLevel.Holds"/>) instead of
    /// computing it on every change: a flooding tenant's demand going up and down above the level
    /// leaves the level as it is.
    /// </summary>
    public static WaterLevel Water(int capacity, IEnumerable<int> demands)
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
                return new WaterLevel(Math.Max(1, (remaining + sharing - 1) / sharing), remaining, sharing);
            }

            remaining -= sorted[i];
        }

        return new WaterLevel(capacity, remaining, 0);
    }

    /// <summary>
    /// The most slots one tenant may hold: the water <see cref="Level"/>, and never more than
    /// <paramref name="capacity"/> - <paramref name="reserve"/> (at least one slot), so that
    /// <paramref name="reserve"/> slots stay free for a tenant who is not yet asking.
    /// </summary>
    public static int Cap(int capacity, int reserve, IEnumerable<int> demands) => Cap(capacity, reserve, Water(capacity, demands));

    /// <summary>The <see cref="Cap(int, int, IEnumerable{int})"/> of a water level already computed.</summary>
    public static int Cap(int capacity, int reserve, WaterLevel water) =>
        Math.Max(1, Math.Min(water.Level, capacity - Math.Max(0, reserve)));

    /// <summary>The default reserve of <paramref name="capacity"/> slots: an eighth, at least one when there are two or more.</summary>
    public static int DefaultReserve(int capacity) => capacity < 2 ? 0 : Math.Max(1, capacity / 8);
}
