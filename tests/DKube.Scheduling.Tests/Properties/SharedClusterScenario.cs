namespace DKube.Scheduling.Tests.Properties;

/// <summary>
/// Several groups' pools drawing on several shared clusters, driven as the grains drive them: a pool
/// admits by quota, the admitted request claims its cluster, the cluster places it or queues it, and
/// a release (a stop, an end) frees the cluster and the pool, whose consequences are claimed in turn.
/// Random submit/stop/end/resize/restart steps; the invariants are checked after every step, and a
/// failure names the step, so a seed plus the message pins a bug.
/// </summary>
internal sealed class SharedClusterScenario
{
    private readonly Random random;
    private readonly RandomWorld world;
    private readonly Dictionary<string, GroupPool> pools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ClusterQueue> clusters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> groupOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> claimedOn = new(StringComparer.Ordinal);
    private DateTimeOffset now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private int step;

    public SharedClusterScenario(Random random)
    {
        this.random = random;
        world = new RandomWorld(random);
        foreach (var (name, nodes) in world.Clusters)
        {
            clusters.Add(name, new ClusterQueue(new ClusterInventory(name, nodes), TimeSpan.FromMinutes(random.Next(0, 60))));
        }

        for (var g = 0; g < random.Next(2, 6); g++)
        {
            var names = world.Clusters.Keys.Where(_ => random.Next(3) > 0).ToList();
            var mine = names.Count > 0 ? names : [world.Clusters.Keys.First()];
            pools.Add($"g{g}", new GroupPool(
                random.Next(1, RandomWorld.MaxPoolSize + 1),
                random.Next(2) == 0 ? QueuePolicy.StrictFifo : QueuePolicy.BestEffortFifo,
                TimeSpan.FromMinutes(random.Next(0, 60)),
                mine.Select(c => new ClusterInventory(c, world.Clusters[c]))));
        }
    }

    /// <summary>Claims that were refused as unplaceable; none may be, since the pools refuse those at submission.</summary>
    public int Unplaceable { get; private set; }

    public void Run(int operations)
    {
        for (step = 0; step < operations; step++)
        {
            now += TimeSpan.FromMinutes(random.Next(0, 4) == 0 ? random.Next(0, 45) : 0);
            switch (random.Next(100))
            {
                case < 45: Submit(); break;
                case < 70: End(Placed()); break;
                case < 80: End(Waiting()); break;
                case < 88: Resize(); break;
                case < 94: RestartCluster(); break;
                default: ReleaseTwice(); break;
            }

            CheckState();
        }
    }

    /// <summary>
    /// Ends placed work until every queue (pools' and clusters') is empty, with every waiter aged past
    /// its cluster's bound. No starvation: a waiter that is the aged head of its cluster is placed
    /// before more releases on that cluster than it had reservations holding GPUs when it became head
    /// (work that takes no GPUs starts at once and does not count).
    /// </summary>
    public void DrainByEndingEverything()
    {
        foreach (var pool in pools.Values)
        {
            Claim(pool.Resize(RandomWorld.MaxPoolSize, now));
        }

        now += TimeSpan.FromHours(2);
        var heads = new Dictionary<string, (string Id, int Budget)>(StringComparer.Ordinal);
        for (var round = 0; Pending() > 0; round++)
        {
            var placed = Placed().ToList();
            Check(round < 10_000 && placed.Count > 0, $"{Pending()} requests wait with nothing placed to end");
            foreach (var (name, queue) in clusters)
            {
                // Only an aged head holds the GPUs; a fresh one (claimed during the drain) may be passed.
                if (queue.QueueView(now).FirstOrDefault() is { } head && now - head.Waiter.EnqueuedAt > queue.MaxHeadAge)
                {
                    if (!heads.TryGetValue(name, out var known) || known.Id != head.Waiter.Request.Id)
                    {
                        heads[name] = (head.Waiter.Request.Id, queue.Inventory.Reservations.Count(r => r.Placement.TotalGpus > 0));
                    }
                }
            }

            var id = placed[random.Next(placed.Count)];
            now += TimeSpan.FromMinutes(random.Next(0, 30));
            var cluster = claimedOn[id];
            var heldGpus = clusters[cluster].Inventory.Reservations.Single(r => r.RequestId == id).Placement.TotalGpus > 0;
            End(id);
            if (heldGpus && heads.TryGetValue(cluster, out var watched) && clusters[cluster].PositionOf(watched.Id, now) is not null)
            {
                Check(watched.Budget > 0, $"{watched.Id} is still not placed on {cluster} after every reservation it waited behind ended");
                heads[cluster] = (watched.Id, watched.Budget - 1);
            }

            CheckState();
        }

        Check(clusters.Values.All(c => c.WaitingCount == 0) && pools.Values.All(p => p.QueueLength == 0), "a queue did not drain");
    }

    private int Pending() => pools.Values.Sum(p => p.QueueLength) + clusters.Values.Sum(c => c.WaitingCount);

    private void Submit()
    {
        var (group, pool) = pools.ElementAt(random.Next(pools.Count));
        var request = world.NextRequest();
        var decision = pool.Submit(request, now);
        if (decision is RejectedDecision)
        {
            return;
        }

        groupOf[request.Id] = group;
        var usedBefore = pool.Used - (decision is AdmittedDecision admitted ? admitted.Admission.Gpus : 0);
        if (decision is AdmittedDecision { Admission: var admission })
        {
            Check(admission.Gpus == 0 || usedBefore + admission.Gpus <= pool.Size, $"{request.Id} pushed {group} past its pool");
            Claim([admission]);
        }
    }

    /// <summary>What a workload does when its pool admits it: claim the cluster of its allocation.</summary>
    private void Claim(IEnumerable<Admission> admitted)
    {
        foreach (var admission in admitted)
        {
            var id = admission.Request.Id;
            var cluster = clusters[admission.Placement.Cluster];
            var result = cluster.Claim(admission.Request.AsGranted(admission.Placement), groupOf[id], now);
            if (result.Outcome == ClaimOutcome.Unplaceable)
            {
                Unplaceable++;
                Check(false, $"{id} was refused as unplaceable by {cluster.Inventory.Name} though its pool admitted it");
            }

            claimedOn[id] = cluster.Inventory.Name;
            Check(result.Outcome != ClaimOutcome.Placed || result.Placement!.TotalGpus == admission.Gpus, $"{id} placed with another GPU count than granted");
            Check(result.AlsoPlaced.Count == 0, "a claim placed other waiters: a release left free GPUs unused");
        }
    }

    /// <summary>A stop or an end: the cluster frees (or withdraws) it, then the pool; both consequences are claimed.</summary>
    private void End(string? id)
    {
        if (id is null)
        {
            return;
        }

        if (claimedOn.Remove(id, out var cluster))
        {
            clusters[cluster].Release(id, now);
        }

        var pool = pools[groupOf[id]];
        var admitted = pool.Release(id, now);
        Check(admitted.All(a => a.Gpus == 0) || pool.Used <= pool.Size, $"releasing {id} admitted past the pool");
        Claim(admitted);
    }

    private void End(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        End(list.Count == 0 ? null : list[random.Next(list.Count)]);
    }

    private IEnumerable<string> Placed() =>
        clusters.Values.SelectMany(c => c.Inventory.Reservations.Select(r => r.RequestId));

    private IEnumerable<string> Waiting() =>
        clusters.Values.SelectMany(c => c.QueueView(now).Select(e => e.Waiter.Request.Id))
            .Concat(pools.Values.SelectMany(p => p.QueueView(now).Select(e => e.Request.Id)));

    private void Resize()
    {
        var pool = pools.Values.ElementAt(random.Next(pools.Count));
        var admitted = pool.Resize(random.Next(0, RandomWorld.MaxPoolSize + 1), now);
        Check(admitted.All(a => a.Gpus == 0) || pool.Used <= pool.Size, "a resize admitted past the pool");
        Claim(admitted);
    }

    /// <summary>A cluster grain reactivated: its queue comes back from what it persisted, unchanged.</summary>
    private void RestartCluster()
    {
        var (name, queue) = clusters.ElementAt(random.Next(clusters.Count));
        var before = queue.QueueView(now);
        var restored = ClusterQueue.Restore(ClusterInventory.Restore(queue.Inventory.Snapshot()), queue.MaxHeadAge, queue.Snapshot());
        Check(restored.QueueView(now).SequenceEqual(before), $"{name}'s queue changed across a restart");
        Check(restored.Drain(now).Count == 0, $"{name} placed something on restart that it should have placed before");
        clusters[name] = restored;
    }

    /// <summary>Idempotency: claiming again answers the same, releasing an unknown id does nothing.</summary>
    private void ReleaseTwice()
    {
        var (_, queue) = clusters.ElementAt(random.Next(clusters.Count));
        var reservations = queue.Inventory.Reservations;
        Check(queue.Release($"ghost{random.Next(1000)}", now).Count == 0 && queue.Inventory.Reservations.SequenceEqual(reservations), "releasing an unknown id changed the books");
        foreach (var waiter in queue.QueueView(now))
        {
            var again = queue.Claim(waiter.Waiter.Request, waiter.Waiter.Group, now);
            Check(again.Outcome == ClaimOutcome.Waiting && again.Position == waiter.Position, $"claiming {waiter.Waiter.Request.Id} again moved it");
        }
    }

    private void CheckState()
    {
        foreach (var (name, queue) in clusters)
        {
            var byNode = queue.Inventory.Reservations
                .SelectMany(r => r.Placement.Workers)
                .GroupBy(w => w.Node);
            foreach (var node in byNode)
            {
                var indices = node.SelectMany(w => w.GpuIndices).ToList();
                var gpus = world.NodeSpec(node.Key).Gpus;
                Check(indices.Distinct().Count() == indices.Count, $"a GPU index on {node.Key} is held twice");
                Check(indices.All(i => i >= 0 && i < gpus), $"an index on {node.Key} is outside 0..{gpus - 1}");
            }

            // The per-group usage the order relies on is what the reservations add up to.
            var usage = queue.Inventory.Reservations
                .GroupBy(r => groupOf[r.RequestId])
                .Select(g => (Group: g.Key, Gpus: g.Sum(r => r.Placement.TotalGpus)))
                .Where(g => g.Gpus > 0)
                .ToDictionary(g => g.Group, g => g.Gpus);
            Check(usage.Count == queue.UsageByGroup().Count && usage.All(u => queue.UsageByGroup().GetValueOrDefault(u.Key) == u.Value), $"{name}'s usage by group drifted from its reservations");

            // Nobody waits while the cluster could place them, unless an aged head holds the GPUs.
            var view = queue.QueueView(now);
            var agedHead = view.Count > 0 && now - view[0].Waiter.EnqueuedAt > queue.MaxHeadAge;
            var idle = view.Skip(agedHead ? 1 : 0).Where(e => !agedHead && queue.Inventory.TryPlace(e.Waiter.Request) is not null).ToList();
            Check(idle.Count == 0, $"[{string.Join(",", idle.Select(e => e.Waiter.Request.Id))}] wait on {name} while it has room");
            Check(!agedHead || queue.Inventory.TryPlace(view[0].Waiter.Request) is null, $"aged head {view.FirstOrDefault()?.Waiter.Request.Id} waits on {name} while it has room");
        }

        foreach (var (group, pool) in pools)
        {
            // Every admission is either placed on its cluster or waits there: none is lost, none errs.
            foreach (var admission in pool.Running)
            {
                var id = admission.Request.Id;
                Check(claimedOn.TryGetValue(id, out var cluster), $"{id} was admitted by {group} but claimed no cluster");
                var queue = clusters[cluster!];
                Check(queue.Inventory.Holds(id) ^ queue.PositionOf(id, now) is not null, $"{id} is neither placed nor waiting on {cluster}");
            }

            var held = clusters.Values.Sum(c => c.Inventory.Reservations.Where(r => groupOf[r.RequestId] == group).Sum(r => r.Placement.TotalGpus));
            Check(held <= pool.Used, $"{group} holds {held} GPUs on clusters but its pool granted {pool.Used}");
        }
    }

    private void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"step {step}: {message}");
        }
    }
}
