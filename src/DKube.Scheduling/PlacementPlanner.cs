namespace DKube.Scheduling;

/// <summary>
/// Chooses nodes for the workers of a request from free-GPU counts alone; which indices are used is the
/// inventory's business. Pure, so the same rules serve "fits now" and "could ever fit".
/// </summary>
internal static class PlacementPlanner
{
    /// <summary>
    /// Returns the node of every worker (master first), or null when the request cannot be placed as a whole.
    /// Gang semantics fall out of this: either every worker gets a node or none does.
    /// </summary>
    public static IReadOnlyList<string>? Plan(
        IReadOnlyList<NodeCapacity> nodes, int gpusPerWorker, int workerCount, DistributionMode mode)
    {
        if (gpusPerWorker <= 0 || workerCount <= 0)
        {
            return [];
        }

        // A single worker is the same problem in both modes; best fit keeps large nodes whole for large requests.
        return mode == DistributionMode.Manual || workerCount == 1
            ? PlanDistinctNodes(nodes, gpusPerWorker, workerCount)
            : PlanPacked(nodes, gpusPerWorker, workerCount);
    }

    private static List<string>? PlanDistinctNodes(IReadOnlyList<NodeCapacity> nodes, int gpusPerWorker, int workerCount)
    {
        var chosen = nodes
            .Where(n => n.FreeGpus >= gpusPerWorker)
            .OrderBy(n => n.FreeGpus)
            .ThenBy(n => n.Name, StringComparer.Ordinal)
            .Take(workerCount)
            .Select(n => n.Name)
            .ToList();
        return chosen.Count == workerCount ? chosen : null;
    }

    private static List<string>? PlanPacked(IReadOnlyList<NodeCapacity> nodes, int gpusPerWorker, int workerCount)
    {
        // Taking the nodes with the most worker slots first reaches the worker count with the fewest nodes;
        // the last node is then the smallest one that still covers the remainder, to leave big nodes free.
        var bySlots = nodes
            .Select(n => (n.Name, Slots: n.FreeGpus / gpusPerWorker))
            .Where(n => n.Slots > 0)
            .OrderByDescending(n => n.Slots)
            .ThenBy(n => n.Name, StringComparer.Ordinal)
            .ToList();

        var workers = new List<string>(workerCount);
        var remaining = workerCount;
        for (var i = 0; remaining > 0; i++)
        {
            if (i >= bySlots.Count)
            {
                return null;
            }

            if (bySlots[i].Slots >= remaining)
            {
                var last = SmallestCovering(bySlots, i, remaining);
                workers.AddRange(Enumerable.Repeat(last, remaining));
                return workers;
            }

            workers.AddRange(Enumerable.Repeat(bySlots[i].Name, bySlots[i].Slots));
            remaining -= bySlots[i].Slots;
        }

        return workers;
    }

    private static string SmallestCovering(List<(string Name, int Slots)> bySlots, int from, int needed)
    {
        // bySlots is sorted by slots descending, names ascending within equal slots: find the smallest
        // sufficient slot count, then the first (lowest) name that has it.
        var last = from;
        while (last + 1 < bySlots.Count && bySlots[last + 1].Slots >= needed)
        {
            last++;
        }

        var first = last;
        while (first > from && bySlots[first - 1].Slots == bySlots[last].Slots)
        {
            first--;
        }

        return bySlots[first].Name;
    }
}
