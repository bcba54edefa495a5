namespace DKube.Scheduling.Tests.Properties;

/// <summary>
/// An independent, deliberately naive answer to "could this request start right now?", computed from a
/// snapshot: free quota, then per cluster whether eligible nodes have the GPUs in the required shape.
/// </summary>
internal static class FitOracle
{
    public static bool FitsNow(GroupPoolSnapshot snapshot, GpuRequest request)
    {
        var used = snapshot.Running.Sum(a => a.Gpus);
        if (request.TotalGpus > snapshot.Size - used)
        {
            return false;
        }

        return request.TotalGpus == 0
            || snapshot.Clusters
                .Where(c => request.Cluster is null || c.Name == request.Cluster)
                .Any(c => ShapeFits(FreeByNode(c, request.Affinity), request));
    }

    private static List<int> FreeByNode(ClusterSnapshot cluster, IReadOnlyList<string> affinity)
    {
        var held = cluster.Reservations
            .SelectMany(r => r.Placement.Workers)
            .GroupBy(w => w.Node)
            .ToDictionary(g => g.Key, g => g.SelectMany(w => w.GpuIndices).ToHashSet());
        return cluster.Nodes
            .Where(n => affinity.All(n.Labels.Contains))
            .Select(n => n.Gpus - (held.TryGetValue(n.Name, out var h) ? h.Count(i => i < n.Gpus) : 0))
            .ToList();
    }

    private static bool ShapeFits(List<int> free, GpuRequest request)
    {
        var g = request.GpusPerWorker;
        var workers = request.WorkerCount;
        return request.DistributionMode == DistributionMode.Manual || workers == 1
            ? free.Count(f => f >= g) >= workers
            : free.Sum(f => f / g) >= workers;
    }
}
