namespace DKube.Scheduling;

/// <summary>
/// The nodes of one cluster and which GPU indices each request holds on them. Holdings are kept by node
/// name rather than on the node, so a node that disappears from the capacity view keeps its allocations
/// accounted until they are released, and a node that comes back does not hand out indices still in use.
/// </summary>
public sealed class ClusterInventory
{
    private readonly Dictionary<string, NodeEntry> nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<int>> heldByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Placement> reservations = new(StringComparer.Ordinal);
    private IReadOnlyList<NodeSpec> nodeList = [];

    public ClusterInventory(string name, IEnumerable<NodeSpec> nodes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        SetNodes(nodes);
    }

    public string Name { get; }

    /// <summary>The current capacity view, in the order it was given.</summary>
    public IReadOnlyList<NodeSpec> Nodes => nodeList;

    public IReadOnlyList<Reservation> Reservations =>
        reservations
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new Reservation(r.Key, r.Value))
            .ToList();

    public static ClusterInventory Restore(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var inventory = new ClusterInventory(snapshot.Name, snapshot.Nodes);
        foreach (var reservation in snapshot.Reservations)
        {
            // Reservations may sit on nodes that have since left the view, so only overlap is checked here.
            inventory.Hold(reservation.RequestId, reservation.Placement, requireLiveNodes: false);
        }

        return inventory;
    }

    public ClusterSnapshot Snapshot() => new(Name, nodeList.ToList(), Reservations);

    /// <summary>Replaces the capacity view. Existing reservations are kept, whichever nodes they are on.</summary>
    public void SetNodes(IEnumerable<NodeSpec> newNodes)
    {
        ArgumentNullException.ThrowIfNull(newNodes);
        var list = newNodes.ToList();
        var entries = new Dictionary<string, NodeEntry>(StringComparer.Ordinal);
        foreach (var node in list)
        {
            ValidateNode(node);
            if (!entries.TryAdd(node.Name, new NodeEntry(node, new HashSet<string>(node.Labels, StringComparer.Ordinal))))
            {
                throw new ArgumentException($"Node '{node.Name}' appears twice in cluster '{Name}'.", nameof(newNodes));
            }
        }

        nodes.Clear();
        foreach (var (name, entry) in entries)
        {
            nodes.Add(name, entry);
        }

        nodeList = list.AsReadOnly();
    }

    /// <summary>GPUs on a node that no request holds; zero for a node not in the current view.</summary>
    public int FreeGpus(string node) =>
        nodes.TryGetValue(node, out var entry) ? entry.Spec.Gpus - HeldWithinRange(entry.Spec) : 0;

    public bool Holds(string requestId) => reservations.ContainsKey(requestId);

    /// <summary>What the request holds here, or null.</summary>
    public Placement? PlacementOf(string requestId) => reservations.GetValueOrDefault(requestId);

    /// <summary>A placement for the whole request on what is free now, or null. Does not reserve anything.</summary>
    public Placement? TryPlace(GpuRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Place(request.GpusPerWorker, request.WorkerCount, request.DistributionMode, request.Affinity, ignoreHoldings: false);
    }

    /// <summary>Whether the request would fit if the cluster were empty, i.e. whether waiting can ever help.</summary>
    public bool CanEverPlace(GpuRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Place(request.GpusPerWorker, request.WorkerCount, request.DistributionMode, request.Affinity, ignoreHoldings: true) is not null;
    }

    /// <summary>
    /// The largest placement of the request's shape with at most <paramref name="maxTotalGpus"/> GPUs, found by
    /// lowering the GPUs per worker (the worker count is kept); an empty placement when nothing fits.
    /// </summary>
    public Placement TryPlaceUpTo(GpuRequest request, int maxTotalGpus)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workerCount = request.WorkerCount;
        var high = Math.Min(request.GpusPerWorker, Math.Max(0, maxTotalGpus) / workerCount);
        var low = 0;
        Placement best = new(Name, []);

        // Placeability only gets easier as GPUs per worker drop, so a binary search finds the largest that fits.
        while (low < high)
        {
            var mid = low + ((high - low + 1) / 2);
            var placement = Place(mid, workerCount, request.DistributionMode, request.Affinity, ignoreHoldings: false);
            if (placement is null)
            {
                high = mid - 1;
            }
            else
            {
                best = placement;
                low = mid;
            }
        }

        return best;
    }

    /// <summary>
    /// Holds the placement's GPUs for the request. Idempotent: returns false and changes nothing when the
    /// request already holds GPUs here. Throws when the placement names unknown nodes or indices in use.
    /// </summary>
    public bool Reserve(string requestId, Placement placement)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        ArgumentNullException.ThrowIfNull(placement);
        return !reservations.ContainsKey(requestId) && Hold(requestId, placement, requireLiveNodes: true);
    }

    /// <summary>Whether every GPU of <paramref name="placement"/> exists on a live node here and nobody holds it.</summary>
    public bool IsFree(Placement placement) => Claim(placement, requireLiveNodes: true) is not null;

    /// <summary>Frees exactly what the request held and returns it; null (a no-op) for an unknown or released id.</summary>
    public Placement? Release(string requestId)
    {
        if (!reservations.Remove(requestId, out var placement))
        {
            return null;
        }

        foreach (var worker in placement.Workers)
        {
            var held = heldByNode[worker.Node];
            held.ExceptWith(worker.GpuIndices);
            if (held.Count == 0)
            {
                heldByNode.Remove(worker.Node);
            }
        }

        return placement;
    }

    private bool Hold(string requestId, Placement placement, bool requireLiveNodes)
    {
        if (!string.Equals(placement.Cluster, Name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Placement is for cluster '{placement.Cluster}', not '{Name}'.", nameof(placement));
        }

        if (reservations.ContainsKey(requestId))
        {
            throw new InvalidOperationException($"Request '{requestId}' already holds GPUs in cluster '{Name}'.");
        }

        var claimed = Claim(placement, requireLiveNodes)
            ?? throw new InvalidOperationException($"A GPU of the placement for request '{requestId}' in cluster '{Name}' is not available.");
        foreach (var (node, index) in claimed)
        {
            if (!heldByNode.TryGetValue(node, out var held))
            {
                held = [];
                heldByNode.Add(node, held);
            }

            held.Add(index);
        }

        reservations.Add(requestId, placement);
        return true;
    }

    /// <summary>The GPUs the placement would take, or null when one is unknown, out of range, held, or named twice.</summary>
    private HashSet<(string Node, int Index)>? Claim(Placement placement, bool requireLiveNodes)
    {
        var claimed = new HashSet<(string Node, int Index)>();
        foreach (var worker in placement.Workers)
        {
            foreach (var index in worker.GpuIndices)
            {
                var inRange = !requireLiveNodes
                    || (nodes.TryGetValue(worker.Node, out var entry) && index >= 0 && index < entry.Spec.Gpus);
                var taken = heldByNode.TryGetValue(worker.Node, out var held) && held.Contains(index);
                if (!inRange || taken || !claimed.Add((worker.Node, index)))
                {
                    return null;
                }
            }
        }

        return claimed;
    }

    private Placement? Place(int gpusPerWorker, int workerCount, DistributionMode mode, IReadOnlyList<string> affinity, bool ignoreHoldings)
    {
        if (gpusPerWorker <= 0)
        {
            return new Placement(Name, []);
        }

        var candidates = new List<NodeCapacity>();
        foreach (var entry in nodes.Values)
        {
            if (affinity.All(entry.Labels.Contains))
            {
                var free = ignoreHoldings ? entry.Spec.Gpus : entry.Spec.Gpus - HeldWithinRange(entry.Spec);
                candidates.Add(new NodeCapacity(entry.Spec.Name, free));
            }
        }

        var plan = PlacementPlanner.Plan(candidates, gpusPerWorker, workerCount, mode);
        if (plan is null)
        {
            return null;
        }

        // Hand out the lowest free indices; workers sharing a node draw from one cursor so they never overlap.
        var cursors = new Dictionary<string, IEnumerator<int>>(StringComparer.Ordinal);
        var workers = new List<WorkerPlacement>(plan.Count);
        foreach (var node in plan)
        {
            if (!cursors.TryGetValue(node, out var cursor))
            {
                cursor = FreeIndices(nodes[node].Spec, ignoreHoldings).GetEnumerator();
                cursors.Add(node, cursor);
            }

            var indices = new List<int>(gpusPerWorker);
            while (indices.Count < gpusPerWorker && cursor.MoveNext())
            {
                indices.Add(cursor.Current);
            }

            workers.Add(new WorkerPlacement(node, indices));
        }

        foreach (var cursor in cursors.Values)
        {
            cursor.Dispose();
        }

        return new Placement(Name, workers);
    }

    private IEnumerable<int> FreeIndices(NodeSpec node, bool ignoreHoldings)
    {
        heldByNode.TryGetValue(node.Name, out var held);
        for (var i = 0; i < node.Gpus; i++)
        {
            if (ignoreHoldings || held is null || !held.Contains(i))
            {
                yield return i;
            }
        }
    }

    // Indices at or above Gpus can be held when a node came back smaller; they do not reduce what is free.
    private int HeldWithinRange(NodeSpec node) =>
        heldByNode.TryGetValue(node.Name, out var held) ? held.Count(i => i < node.Gpus) : 0;

    private void ValidateNode(NodeSpec node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (string.IsNullOrWhiteSpace(node.Name) || node.Gpus < 0 || node.Labels is null)
        {
            throw new ArgumentException($"Node '{node.Name}' of cluster '{Name}' needs a name, a non-negative GPU count and labels.", nameof(node));
        }
    }

    private sealed record NodeEntry(NodeSpec Spec, HashSet<string> Labels);
}
