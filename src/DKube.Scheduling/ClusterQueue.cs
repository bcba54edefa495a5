namespace DKube.Scheduling;

/// <summary>
/// Placement on one cluster shared by several groups. Pools decide quota; this decides who gets the
/// cluster's physical GPUs. A claim that fits is placed at once; one that does not waits here
/// (never an error, unless no node could ever hold its shape) and is placed by a later release.
///
/// <para>Order (who goes first when GPUs free up), chosen to be fair across groups without knowing
/// their pool sizes: dominant resource fairness with GPUs as the one resource, i.e. the waiter of the
/// group that holds the fewest GPUs of this cluster first; ties go to the oldest waiter (so within a
/// group it is FIFO), then the id. Quotas already stop a group from taking more than its pool, so
/// equal weights here only decide who waits while the cluster is oversubscribed.</para>
///
/// <para>Placement is best effort in that order (a waiter that fits may pass one that does not), with
/// aging so nobody starves: once the oldest waiter has waited longer than <see cref="MaxHeadAge"/>,
/// nothing else is placed until it is, so GPUs freed meanwhile are held for it. A distributed (gang)
/// request therefore cannot be overtaken by small ones for ever: as running work ends, its GPUs
/// accumulate for it. Between calls no waiter could be placed under these rules; time alone never
/// places anything, it only ages the oldest waiter.</para>
///
/// Claims are idempotent per request id: claiming again answers what the id holds or where it waits.
/// </summary>
public sealed class ClusterQueue
{
    private readonly ClusterInventory inventory;
    private readonly Dictionary<string, ClusterWaiter> waiting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> holderGroups = new(StringComparer.Ordinal);

    // GPUs held per group, kept as reservations come and go: the order needs it on every decision.
    private readonly Dictionary<string, int> usage = new(StringComparer.Ordinal);

    public ClusterQueue(ClusterInventory inventory, TimeSpan maxHeadAge)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeadAge, TimeSpan.Zero);
        this.inventory = inventory;
        MaxHeadAge = maxHeadAge;
    }

    public TimeSpan MaxHeadAge { get; }

    /// <summary>The cluster's book of GPUs; changed only through this queue.</summary>
    public ClusterInventory Inventory => inventory;

    public int WaitingCount => waiting.Count;

    /// <summary>Restores the queue over an inventory that already holds the reservations.</summary>
    public static ClusterQueue Restore(ClusterInventory inventory, TimeSpan maxHeadAge, ClusterQueueSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var queue = new ClusterQueue(inventory, maxHeadAge);
        foreach (var (id, group) in snapshot.HolderGroups)
        {
            if (inventory.Holds(id))
            {
                queue.holderGroups[id] = group;
            }
        }

        foreach (var reservation in inventory.Reservations)
        {
            queue.AddUsage(reservation.RequestId, reservation.Placement.TotalGpus);
        }

        foreach (var waiter in snapshot.Waiting)
        {
            if (!inventory.Holds(waiter.Request.Id))
            {
                queue.waiting[waiter.Request.Id] = waiter;
            }
        }

        return queue;
    }

    public ClusterQueueSnapshot Snapshot() => new(
        waiting.Values.OrderBy(w => w.EnqueuedAt).ThenBy(w => w.Request.Id, StringComparer.Ordinal).ToList(),
        new Dictionary<string, string>(holderGroups, StringComparer.Ordinal));

    /// <summary>The group a held reservation counts against; null for an unknown id or one booked before groups were kept.</summary>
    public string? GroupOf(string requestId) => holderGroups.GetValueOrDefault(requestId) ?? waiting.GetValueOrDefault(requestId)?.Group;

    /// <summary>GPUs of this cluster each group holds now.</summary>
    public IReadOnlyDictionary<string, int> UsageByGroup() => usage.Where(u => u.Value > 0).ToDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Places the request for <paramref name="group"/> now if the order allows it, else queues it;
    /// refuses it only when no node could ever hold its shape. Idempotent per request id.
    /// </summary>
    public ClaimResult Claim(GpuRequest request, string group, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(group);
        var id = request.Id;
        if (inventory.PlacementOf(id) is { } held)
        {
            return new ClaimResult(ClaimOutcome.Placed, held, null, []);
        }

        if (waiting.ContainsKey(id))
        {
            return new ClaimResult(ClaimOutcome.Waiting, null, PositionOf(id, now), []);
        }

        if (RequestValidator.Problem(request) is { } problem)
        {
            throw new ArgumentException(problem, nameof(request));
        }

        if (request.TotalGpus == 0)
        {
            // Takes nothing, so it waits for nothing (not even an aged head).
            var none = new Placement(inventory.Name, []);
            inventory.Reserve(id, none);
            holderGroups[id] = group;
            return new ClaimResult(ClaimOutcome.Placed, none, null, []);
        }

        if (!inventory.CanEverPlace(request))
        {
            return new ClaimResult(ClaimOutcome.Unplaceable, null, null, []);
        }

        waiting.Add(id, new ClusterWaiter(request, group, now));
        var placed = Drain(now);
        var mine = placed.FirstOrDefault(r => r.RequestId == id);
        var others = placed.Where(r => r.RequestId != id).ToList();
        return mine is null
            ? new ClaimResult(ClaimOutcome.Waiting, null, PositionOf(id, now), others)
            : new ClaimResult(ClaimOutcome.Placed, mine.Placement, null, others);
    }

    /// <summary>
    /// Frees what the request holds, or withdraws it from the queue, and returns the waiters that
    /// placed as a consequence. Unknown or already released ids are a no-op.
    /// </summary>
    public IReadOnlyList<Reservation> Release(string requestId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        var freed = inventory.Release(requestId);
        if (freed is not null)
        {
            AddUsage(requestId, -freed.TotalGpus);
        }

        holderGroups.Remove(requestId);
        return freed is not null || waiting.Remove(requestId) ? Drain(now) : [];
    }

    /// <summary>Replaces the cluster's nodes (reservations are kept) and places what now fits.</summary>
    public IReadOnlyList<Reservation> SetNodes(IEnumerable<NodeSpec> nodes, DateTimeOffset now)
    {
        inventory.SetNodes(nodes);
        return Drain(now);
    }

    /// <summary>The waiters in the order they would be placed now, each with its 1-based position.</summary>
    public IReadOnlyList<ClusterQueueEntry> QueueView(DateTimeOffset now) =>
        Order(now).Select((w, i) => new ClusterQueueEntry(w, i + 1)).ToList();

    /// <summary>The request's 1-based position in the fair order, or null when it does not wait here.</summary>
    public int? PositionOf(string requestId, DateTimeOffset now)
    {
        if (!waiting.ContainsKey(requestId))
        {
            return null;
        }

        var order = Order(now);
        return order.FindIndex(w => w.Request.Id == requestId) + 1;
    }

    /// <summary>
    /// Places waiters while the rules allow: the aged head alone when there is one (nothing passes it),
    /// otherwise the first waiter in fair order that fits, re-ranking after each placement.
    /// </summary>
    public IReadOnlyList<Reservation> Drain(DateTimeOffset now)
    {
        var placed = new List<Reservation>();

        // Within one pass GPUs are only taken, never freed, so a shape that did not fit stays
        // unfit: each distinct shape is tried at most once however long the queue is.
        var unfit = new HashSet<(int PerWorker, int Workers, DistributionMode Mode, string Affinity)>();
        while (waiting.Count > 0)
        {
            var order = Order(now);
            var candidates = IsAged(order[0], now) ? order.Take(1) : order;
            (ClusterWaiter Waiter, Placement Placement)? next = null;
            foreach (var waiter in candidates)
            {
                var request = waiter.Request;
                var shape = (request.GpusPerWorker, request.Workers, request.DistributionMode, string.Join('\n', request.Affinity.Order(StringComparer.Ordinal)));
                if (unfit.Contains(shape))
                {
                    continue;
                }

                if (inventory.TryPlace(request) is { } placement)
                {
                    next = (waiter, placement);
                    break;
                }

                unfit.Add(shape);
            }

            if (next is not var (chosen, where))
            {
                break;
            }

            inventory.Reserve(chosen.Request.Id, where);
            waiting.Remove(chosen.Request.Id);
            holderGroups[chosen.Request.Id] = chosen.Group;
            AddUsage(chosen.Request.Id, where.TotalGpus);
            placed.Add(new Reservation(chosen.Request.Id, where));
        }

        return placed;
    }

    /// <summary>
    /// The fair order: the oldest waiter first when it has aged past the bound, then fewest GPUs held
    /// by the waiter's group, oldest, id.
    /// </summary>
    private List<ClusterWaiter> Order(DateTimeOffset now)
    {
        var oldest = waiting.Values
            .OrderBy(w => w.EnqueuedAt)
            .ThenBy(w => w.Request.Id, StringComparer.Ordinal)
            .FirstOrDefault();
        var aged = oldest is not null && IsAged(oldest, now) ? oldest : null;
        var order = waiting.Values
            .Where(w => !ReferenceEquals(w, aged))
            .OrderBy(w => usage.GetValueOrDefault(w.Group))
            .ThenBy(w => w.EnqueuedAt)
            .ThenBy(w => w.Request.Id, StringComparer.Ordinal)
            .ToList();
        if (aged is not null)
        {
            order.Insert(0, aged);
        }

        return order;
    }

    /// <summary>Reservations booked before groups were kept count against the empty group.</summary>
    private void AddUsage(string requestId, int gpus)
    {
        var group = holderGroups.GetValueOrDefault(requestId, string.Empty);
        usage[group] = usage.GetValueOrDefault(group) + gpus;
    }

    private bool IsAged(ClusterWaiter waiter, DateTimeOffset now) => now - waiter.EnqueuedAt > MaxHeadAge;
}
