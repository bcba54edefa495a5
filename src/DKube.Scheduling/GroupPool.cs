namespace DKube.Scheduling;

/// <summary>
/// A group's GPU pool: its quota, what runs, what waits and the clusters it may draw on. Every operation
/// that can free capacity re-evaluates the queue before returning, so between calls no waiting request
/// could start under the policy; time alone never makes one startable, it only ages the head.
/// </summary>
public sealed class GroupPool
{
    private readonly SortedDictionary<string, ClusterInventory> clusters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Admission> running = new(StringComparer.Ordinal);
    private readonly LinkedList<QueuedRequest> queue = new();
    private readonly Dictionary<string, LinkedListNode<QueuedRequest>> queued = new(StringComparer.Ordinal);

    // Kept beside the queue so that no operation walks it: waiting requests per owner (the
    // per-owner quota) and per GPU count (a pass over the queue stops once nothing can fit).
    private readonly Dictionary<string, int> queuedPerOwner = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, int> queuedPerSize = [];

    /// <param name="clusters">Copied, so nothing outside the pool can change its books behind its back.</param>
    public GroupPool(int size, QueuePolicy policy, TimeSpan maxHeadAge, IEnumerable<ClusterInventory> clusters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeadAge, TimeSpan.Zero);
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy));
        }

        ArgumentNullException.ThrowIfNull(clusters);
        Size = size;
        Policy = policy;
        MaxHeadAge = maxHeadAge;
        foreach (var cluster in clusters)
        {
            if (!this.clusters.TryAdd(cluster.Name, ClusterInventory.Restore(cluster.Snapshot())))
            {
                throw new ArgumentException($"Cluster '{cluster.Name}' is given twice.", nameof(clusters));
            }
        }
    }

    public int Size { get; private set; }

    public QueuePolicy Policy { get; }

    public TimeSpan MaxHeadAge { get; }

    /// <summary>GPUs held by running requests; may exceed <see cref="Size"/> after a shrink, which never evicts.</summary>
    public int Used { get; private set; }

    public int Free => Math.Max(0, Size - Used);

    public int QueueLength => queue.Count;

    /// <summary>The bound on waiting requests; the owner of the pool sets it (it is not part of the snapshot).</summary>
    public QueueQuota QueueQuota { get; set; } = QueueQuota.Unlimited;

    /// <summary>How many requests of <paramref name="owner"/> wait in the queue.</summary>
    public int QueuedOf(string owner) => queuedPerOwner.GetValueOrDefault(owner);

    public IReadOnlyList<string> ClusterNames => clusters.Keys.ToList();

    /// <summary>Running requests, oldest first.</summary>
    public IReadOnlyList<Admission> Running =>
        running.Values
            .OrderBy(a => a.AdmittedAt)
            .ThenBy(a => a.Request.Id, StringComparer.Ordinal)
            .ToList();

    public static GroupPool Restore(GroupPoolSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var pool = new GroupPool(snapshot.Size, snapshot.Policy, snapshot.MaxHeadAge, []);
        foreach (var cluster in snapshot.Clusters)
        {
            if (!pool.clusters.TryAdd(cluster.Name, ClusterInventory.Restore(cluster)))
            {
                throw new ArgumentException($"Cluster '{cluster.Name}' appears twice in the snapshot.", nameof(snapshot));
            }
        }

        foreach (var admission in snapshot.Running)
        {
            pool.RestoreRunning(admission);
        }

        foreach (var waiting in snapshot.Queue)
        {
            if (pool.running.ContainsKey(waiting.Request.Id) || pool.queued.ContainsKey(waiting.Request.Id))
            {
                throw new ArgumentException($"Request '{waiting.Request.Id}' appears twice in the snapshot.", nameof(snapshot));
            }

            pool.Enqueue(waiting);
        }

        return pool;
    }

    /// <param name="includeQueue">
    /// Without the queue (an empty one in its place) the snapshot costs what runs, not what waits: for an
    /// owner that persists the waiting requests one by one as they come and go.
    /// </param>
    public GroupPoolSnapshot Snapshot(bool includeQueue = true) =>
        new(Size, Policy, MaxHeadAge, clusters.Values.Select(c => c.Snapshot()).ToList(), Running, includeQueue ? queue.ToList() : []);

    /// <summary>
    /// Admits, queues or rejects a request. Submitting an id that already runs or waits returns its current
    /// decision and takes nothing more.
    /// </summary>
    /// <param name="estimateStart">
    /// Whether a request that joins the queue gets its estimated start, which replays the whole queue
    /// (O(n)); without it (null estimate) a submit is O(log n). The queue view always estimates.
    /// </param>
    public AdmissionDecision Submit(GpuRequest request, DateTimeOffset now, bool estimateStart = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Deserialized requests can carry a null id despite the annotation; it is refused below as invalid.
        var id = request.Id ?? string.Empty;
        if (running.TryGetValue(id, out var existing))
        {
            return new AdmittedDecision(existing);
        }

        if (queued.ContainsKey(id))
        {
            // A resubmission (the reconciler's, after a restart) of each waiting run must not replay the
            // whole queue's estimates: a sweep over n waiting runs would cost O(n^2).
            return new QueuedDecision(estimateStart ? QueueView(now).First(e => e.Request.Id == id) : WaitingEntry(id));
        }

        if (RequestValidator.Problem(request) is { } problem)
        {
            return new RejectedDecision(id, RejectionReason.InvalidRequest, problem);
        }

        if (request.Cluster is not null && !clusters.ContainsKey(request.Cluster))
        {
            return new RejectedDecision(id, RejectionReason.UnknownCluster, $"The group may not use cluster '{request.Cluster}'.");
        }

        if (request.StartWithAvailableGpus)
        {
            return new AdmittedDecision(AdmitWithAvailable(request, now));
        }

        if (request.TotalGpus > Size)
        {
            return new RejectedDecision(
                id, RejectionReason.ExceedsPoolSize, $"The request needs {request.TotalGpus} GPUs but the group's pool holds {Size}.");
        }

        if (request.TotalGpus > 0 && !Candidates(request).Any(c => c.CanEverPlace(request)))
        {
            return new RejectedDecision(
                id, RejectionReason.Unplaceable, "No cluster has the nodes, labels or GPUs per node this request needs.");
        }

        if (MayPassQueue(now) && TryAdmit(request, now) is { } admission)
        {
            return new AdmittedDecision(admission);
        }

        if (QueueQuotaRefusal(request) is { } refusal)
        {
            return refusal;
        }

        Enqueue(new QueuedRequest(request, now));
        var estimate = estimateStart ? StartTimeEstimator.Estimate(Size, Policy, running.Values, queue, now)[^1] : null;
        return new QueuedDecision(new QueueEntry(request, queue.Count, now, estimate));
    }

    /// <summary>
    /// Frees what the request took (a running request's GPUs, or a waiting request's place in the queue) and
    /// returns what got admitted as a consequence. Unknown or already released ids are a no-op.
    /// </summary>
    public IReadOnlyList<Admission> Release(string requestId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        if (running.Remove(requestId, out var admission))
        {
            if (clusters.TryGetValue(admission.Placement.Cluster, out var cluster))
            {
                cluster.Release(requestId);
            }

            Used -= admission.Gpus;
        }
        else if (queued.TryGetValue(requestId, out var node))
        {
            Dequeue(node);
        }
        else
        {
            return [];
        }

        return Reevaluate(now);
    }

    /// <summary>Changes the quota. Shrinking below what is used evicts nothing; it only holds admission back.</summary>
    public IReadOnlyList<Admission> Resize(int size, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        Size = size;
        return Reevaluate(now);
    }

    /// <summary>
    /// Replaces a cluster's capacity view (adding the cluster if the group had none by that name). Allocations on
    /// nodes that went away stay accounted until released.
    /// </summary>
    public IReadOnlyList<Admission> SetClusterNodes(string cluster, IEnumerable<NodeSpec> nodes, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cluster);
        if (clusters.TryGetValue(cluster, out var inventory))
        {
            inventory.SetNodes(nodes);
        }
        else
        {
            clusters.Add(cluster, new ClusterInventory(cluster, nodes));
        }

        return Reevaluate(now);
    }

    /// <summary>Starts every waiting request the policy allows to start now, in queue order.</summary>
    public IReadOnlyList<Admission> Reevaluate(DateTimeOffset now)
    {
        var admitted = new List<Admission>();
        while (queue.First is { } head && TryAdmit(head.Value.Request, now) is { } admission)
        {
            Dequeue(head);
            admitted.Add(admission);
        }

        // Under strict FIFO, or once the head is too old, the blocked head ends the pass: no scan of a long queue.
        if (!MayPassQueue(now))
        {
            return admitted;
        }

        // Only what fits in the free quota may pass the head; once nothing waiting is that small, the pass ends.
        for (var node = queue.First?.Next; node is not null && queuedPerSize.Count > 0 && queuedPerSize.Keys.First() <= Free;)
        {
            var next = node.Next;
            if (node.Value.Request.TotalGpus <= Free && TryAdmit(node.Value.Request, now) is { } passed)
            {
                Dequeue(node);
                admitted.Add(passed);
            }

            node = next;
        }

        return admitted;
    }

    /// <summary>The queue in order, each entry with its 1-based position and estimated start.</summary>
    public IReadOnlyList<QueueEntry> QueueView(DateTimeOffset now)
    {
        var estimates = StartTimeEstimator.Estimate(Size, Policy, running.Values, queue, now);
        var view = new List<QueueEntry>(queue.Count);
        foreach (var waiting in queue)
        {
            view.Add(new QueueEntry(waiting.Request, view.Count + 1, waiting.EnqueuedAt, estimates[view.Count]));
        }

        return view;
    }

    /// <summary>A waiting request's entry with its position and no estimate: one walk, no replay.</summary>
    private QueueEntry WaitingEntry(string id)
    {
        var position = 0;
        foreach (var waiting in queue)
        {
            position++;
            if (waiting.Request.Id == id)
            {
                return new QueueEntry(waiting.Request, position, waiting.EnqueuedAt, null);
            }
        }

        throw new InvalidOperationException($"'{id}' is indexed as waiting but is not in the queue.");
    }

    /// <summary>The refusal of a request that would wait beyond <see cref="QueueQuota"/>, else null (the whole queue is counted only when a request would join it).</summary>
    private RejectedDecision? QueueQuotaRefusal(GpuRequest request)
    {
        if (QueueQuota.Total is { } total && queue.Count >= total)
        {
            return new RejectedDecision(request.Id, RejectionReason.QueueQuotaExceeded,
                $"The group's pool already has {queue.Count} workloads waiting, its quota of queued workloads is {total}.",
                new QuotaBreach(QueueQuota.QueuedPerGroup, total, queue.Count));
        }

        if (QueueQuota.PerOwner is { } perOwner && QueuedOf(request.Owner) is var mine && mine >= perOwner)
        {
            return new RejectedDecision(request.Id, RejectionReason.QueueQuotaExceeded,
                $"'{request.Owner}' already has {mine} workloads waiting in the group's pool, the quota of queued workloads per user is {perOwner}.",
                new QuotaBreach(QueueQuota.QueuedPerUser, perOwner, mine));
        }

        return null;
    }

    /// <summary>Whether a request behind the head (or not yet queued) may start before it.</summary>
    private bool MayPassQueue(DateTimeOffset now) =>
        queue.First is not { } head
        || (Policy == QueuePolicy.BestEffortFifo && now - head.Value.EnqueuedAt <= MaxHeadAge);

    private Admission? TryAdmit(GpuRequest request, DateTimeOffset now)
    {
        if (request.TotalGpus > Free)
        {
            return null;
        }

        if (request.TotalGpus == 0)
        {
            return Commit(request, EmptyPlacement(request), now);
        }

        // Clusters come in name order, so the first that places the request now wins deterministically.
        foreach (var cluster in Candidates(request))
        {
            if (cluster.TryPlace(request) is { } placement)
            {
                return Commit(request, placement, now);
            }
        }

        return null;
    }

    /// <summary>
    /// Start-with-available never waits: it takes the largest share of its request that is free in the quota
    /// and placeable, zero included. A queue the policy forbids passing leaves it nothing, so it cannot
    /// jump a head that is waiting for those very GPUs.
    /// </summary>
    private Admission AdmitWithAvailable(GpuRequest request, DateTimeOffset now)
    {
        var cap = MayPassQueue(now) ? Math.Min(request.TotalGpus, Free) : 0;
        Placement? best = null;
        foreach (var cluster in Candidates(request))
        {
            var placement = cluster.TryPlaceUpTo(request, cap);
            if (best is null || placement.TotalGpus > best.TotalGpus)
            {
                best = placement;
            }
        }

        return Commit(request, best ?? EmptyPlacement(request), now);
    }

    private Admission Commit(GpuRequest request, Placement placement, DateTimeOffset now)
    {
        if (placement.Workers.Count > 0 && !clusters[placement.Cluster].Reserve(request.Id, placement))
        {
            throw new InvalidOperationException($"Cluster '{placement.Cluster}' already holds GPUs for request '{request.Id}'.");
        }

        var admission = new Admission(request, placement, now);
        running.Add(request.Id, admission);
        Used += admission.Gpus;
        return admission;
    }

    private void RestoreRunning(Admission admission)
    {
        var id = admission.Request.Id;
        if (running.ContainsKey(id))
        {
            throw new ArgumentException($"Request '{id}' appears twice in the snapshot.", nameof(admission));
        }

        // The inventories and the running list are persisted separately; refuse a snapshot where they disagree.
        if (admission.Gpus > 0
            && !(clusters.TryGetValue(admission.Placement.Cluster, out var cluster) && cluster.Holds(id)))
        {
            throw new ArgumentException($"Request '{id}' runs but its cluster holds no GPUs for it.", nameof(admission));
        }

        running.Add(id, admission);
        Used += admission.Gpus;
    }

    private void Enqueue(QueuedRequest waiting)
    {
        queued.Add(waiting.Request.Id, queue.AddLast(waiting));
        queuedPerOwner[waiting.Request.Owner] = queuedPerOwner.GetValueOrDefault(waiting.Request.Owner) + 1;
        queuedPerSize[waiting.Request.TotalGpus] = queuedPerSize.GetValueOrDefault(waiting.Request.TotalGpus) + 1;
    }

    private void Dequeue(LinkedListNode<QueuedRequest> node)
    {
        var request = node.Value.Request;
        queue.Remove(node);
        queued.Remove(request.Id);
        Decrement(queuedPerOwner, request.Owner);
        Decrement(queuedPerSize, request.TotalGpus);
    }

    private static void Decrement<TKey>(IDictionary<TKey, int> counts, TKey key)
    {
        if (counts[key] == 1)
        {
            counts.Remove(key);
        }
        else
        {
            counts[key]--;
        }
    }

    private IEnumerable<ClusterInventory> Candidates(GpuRequest request) =>
        request.Cluster is null
            ? clusters.Values
            : clusters.TryGetValue(request.Cluster, out var named) ? [named] : [];

    private Placement EmptyPlacement(GpuRequest request) =>
        new(request.Cluster ?? clusters.Keys.FirstOrDefault() ?? string.Empty, []);
}
