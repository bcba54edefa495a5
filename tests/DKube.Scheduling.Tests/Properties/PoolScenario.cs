namespace DKube.Scheduling.Tests.Properties;

/// <summary>
/// Drives a pool with random operations while keeping its own model of the queue (arrival order), and checks
/// the chosen invariants after every step. Failures throw with the step, so a seed plus the message pins a bug.
/// </summary>
internal sealed class PoolScenario
{
    private readonly Random random;
    private readonly RandomWorld world;
    private readonly Invariant checks;
    private readonly List<string> modelQueue = [];
    private GroupPool pool;
    private DateTimeOffset now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private int step;

    public PoolScenario(Random random, QueuePolicy policy, Invariant checks)
    {
        this.random = random;
        this.checks = checks;
        world = new RandomWorld(random);
        pool = world.NewPool(policy);
    }

    public void Run(int operations)
    {
        for (step = 0; step < operations; step++)
        {
            now += TimeSpan.FromMinutes(random.Next(0, 4) == 0 ? random.Next(0, 45) : 0);
            RandomOperation();
            CheckState();
        }
    }

    /// <summary>Gives every node back, grows the pool to the largest size and releases running work until the queue is empty.</summary>
    public void DrainByReleasingEverything()
    {
        foreach (var (cluster, nodes) in world.Clusters)
        {
            Observe(() => pool.SetClusterNodes(cluster, nodes, now));
        }

        Observe(() => pool.Resize(RandomWorld.MaxPoolSize, now));
        for (var round = 0; modelQueue.Count > 0; round++)
        {
            var running = pool.Running.Select(a => a.Request.Id).ToList();
            Check(round < 1000 && running.Count > 0, $"queue of {modelQueue.Count} is stuck with nothing running to release");
            foreach (var id in running)
            {
                now += TimeSpan.FromMinutes(1);
                Observe(() => pool.Release(id, now));
                CheckState();
            }
        }

        Check(pool.QueueLength == 0 && pool.QueueView(now).Count == 0, "queue did not drain");
    }

    private void RandomOperation()
    {
        var roll = random.Next(100);
        switch (roll)
        {
            case < 40: Submit(world.NextRequest()); break;
            case < 45: Resubmit(); break;
            case < 65: Release(pool.Running.Select(a => a.Request.Id)); break;
            case < 70: Release(modelQueue); break;
            case < 73: ReleaseUnknown(); break;
            case < 81: Observe(() => pool.Resize(random.Next(0, RandomWorld.MaxPoolSize + 1), now)); break;
            case < 89: ChangeNodes(); break;
            case < 94: Observe(() => pool.Reevaluate(now)); break;
            default: RoundTripSnapshot(); break;
        }
    }

    private void Submit(GpuRequest request)
    {
        var headBefore = modelQueue.FirstOrDefault();
        var mayPass = !HeadBlocks(headBefore);
        var usedBefore = pool.Used;
        var decision = pool.Submit(request, now);
        if (Has(Invariant.Capacity) && decision is AdmittedDecision { Admission.Gpus: > 0 } taken)
        {
            // A resize may leave running work above the size; a new admission never adds to that.
            Check(usedBefore + taken.Admission.Gpus <= pool.Size, $"{request.Id} admitted {taken.Admission.Gpus} GPUs with {usedBefore} of {pool.Size} used");
        }

        switch (decision)
        {
            case AdmittedDecision admitted when request.StartWithAvailableGpus:
                Check(admitted.Admission.Gpus <= request.TotalGpus, "start-with-available got more than it asked for");
                Check(mayPass || admitted.Admission.Gpus == 0 || !Has(Invariant.FifoOrder), $"start-with-available took GPUs past blocked head {headBefore}");
                break;
            case AdmittedDecision:
                Check(mayPass || !Has(Invariant.FifoOrder), $"{request.Id} was admitted past blocked head {headBefore}");
                break;
            case QueuedDecision queued:
                modelQueue.Add(request.Id);
                Check(!Has(Invariant.Bookkeeping) || queued.Entry.Position == modelQueue.Count, $"{request.Id} queued at {queued.Entry.Position}, expected {modelQueue.Count}");
                break;
            case RejectedDecision rejected:
                CheckRejection(request, rejected);
                break;
        }
    }

    private void Resubmit()
    {
        var known = pool.Running.Select(a => a.Request).Concat(pool.QueueView(now).Select(e => e.Request)).ToList();
        if (known.Count == 0)
        {
            return;
        }

        var request = known[random.Next(known.Count)];
        var before = pool.Snapshot();
        var decision = pool.Submit(request, now);
        if (!Has(Invariant.Bookkeeping))
        {
            return;
        }

        Check(pool.Used == before.Running.Sum(a => a.Gpus) && pool.QueueLength == before.Queue.Count, $"resubmitting {request.Id} changed the books");
        Check(
            decision switch
            {
                AdmittedDecision a => before.Running.Contains(a.Admission),
                QueuedDecision q => q.Entry.Position == modelQueue.IndexOf(request.Id) + 1,
                _ => false,
            },
            $"resubmitting {request.Id} returned {decision.GetType().Name} not matching its state");
    }

    private void Release(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        if (list.Count == 0)
        {
            return;
        }

        var id = list[random.Next(list.Count)];

        // Withdrawing a waiting request takes it out of line before anything is re-evaluated.
        modelQueue.Remove(id);
        var headBefore = modelQueue.FirstOrDefault();
        var headBlocks = HeadBlocks(headBefore);
        Observe(pool.Release(id, now), headBefore, headBlocks);
        Check(pool.Release(id, now).Count == 0, $"second release of {id} admitted something");
    }

    private void ReleaseUnknown()
    {
        var used = pool.Used;
        Check(pool.Release($"ghost{random.Next(1000)}", now).Count == 0 && pool.Used == used, "releasing an unknown id changed the books");
    }

    private void ChangeNodes()
    {
        var (cluster, nodes) = world.Clusters.ElementAt(random.Next(world.Clusters.Count));
        var keep = random.Next(3) == 0 ? nodes.ToList() : nodes.Where(_ => random.Next(3) != 0).ToList();
        Observe(() => pool.SetClusterNodes(cluster, keep, now));
    }

    private void RoundTripSnapshot()
    {
        var before = pool.QueueView(now);
        var used = pool.Used;
        pool = GroupPool.Restore(pool.Snapshot());
        Check(pool.Used == used && pool.QueueView(now).SequenceEqual(before), "snapshot round trip changed the pool");
    }

    /// <summary>Admissions that an operation caused; they must come from the queue and respect its order.</summary>
    private void Observe(Func<IReadOnlyList<Admission>> operation)
    {
        var headBefore = modelQueue.FirstOrDefault();
        var headBlocks = HeadBlocks(headBefore);
        Observe(operation(), headBefore, headBlocks);
    }

    private void Observe(IReadOnlyList<Admission> admitted, string? headBefore, bool headBlocked)
    {
        var ids = admitted.Select(a => a.Request.Id).ToList();
        Check(ids.All(modelQueue.Contains), "something was admitted that was not waiting");
        if (Has(Invariant.FifoOrder))
        {
            var strict = pool.Policy == QueuePolicy.StrictFifo;
            Check(!strict || ids.SequenceEqual(modelQueue.Take(ids.Count)), $"strict FIFO admitted [{string.Join(",", ids)}] out of order");

            // A head that may not be passed must be the first admission, or there must be none.
            Check(!headBlocked || ids.Count == 0 || ids[0] == headBefore, $"[{string.Join(",", ids)}] passed aged head {headBefore}");
        }

        modelQueue.RemoveAll(ids.Contains);
        if (Has(Invariant.Capacity) && admitted.Any(a => a.Gpus > 0))
        {
            Check(pool.Used <= pool.Size, $"admission pushed used {pool.Used} past size {pool.Size}");
        }
    }

    private void CheckRejection(GpuRequest request, RejectedDecision rejected)
    {
        var expectUnknown = request.Cluster is not null && !world.Clusters.ContainsKey(request.Cluster);
        Check(expectUnknown == (rejected.Reason == RejectionReason.UnknownCluster), $"{request.Id} rejected as {rejected.Reason}");
        Check(
            rejected.Reason != RejectionReason.ExceedsPoolSize || request.TotalGpus > pool.Size,
            $"{request.Id} rejected as too large for pool {pool.Size}");
        Check(rejected.Reason != RejectionReason.InvalidRequest, $"{request.Id} rejected as invalid: {rejected.Message}");
    }

    private void CheckState()
    {
        var snapshot = pool.Snapshot();
        Check(pool.Used == snapshot.Running.Sum(a => a.Gpus) && pool.Free == Math.Max(0, pool.Size - pool.Used), "used/free disagree with running work");
        if (Has(Invariant.Capacity))
        {
            CheckNodes(snapshot);
        }

        if (Has(Invariant.Shapes))
        {
            snapshot.Running.ToList().ForEach(CheckShape);
        }

        var view = pool.QueueView(now);
        Check(view.Select(e => e.Request.Id).SequenceEqual(modelQueue), "queue order differs from arrival order");
        if (Has(Invariant.Bookkeeping))
        {
            CheckQueueView(view);
        }

        if (Has(Invariant.NoIdleWait) && view.Count > 0)
        {
            // The head never waits on free GPUs; behind a young head under best effort nobody does.
            var waitingOnFree = (!HeadBlocks(modelQueue.FirstOrDefault()) ? view : view.Take(1))
                .Where(e => FitOracle.FitsNow(snapshot, e.Request))
                .Select(e => e.Request.Id)
                .ToList();
            Check(waitingOnFree.Count == 0, $"[{string.Join(",", waitingOnFree)}] wait while their GPUs sit free");
        }
    }

    private void CheckNodes(GroupPoolSnapshot snapshot)
    {
        foreach (var cluster in snapshot.Clusters)
        {
            var byNode = cluster.Reservations.SelectMany(r => r.Placement.Workers).GroupBy(w => w.Node);
            foreach (var node in byNode)
            {
                var indices = node.SelectMany(w => w.GpuIndices).ToList();
                var gpus = world.NodeSpec(node.Key).Gpus;
                Check(indices.Distinct().Count() == indices.Count, $"a GPU index on {node.Key} is assigned twice");
                Check(indices.All(i => i >= 0 && i < gpus), $"an index on {node.Key} is outside 0..{gpus - 1}");
            }
        }

        foreach (var admission in snapshot.Running.Where(a => a.Gpus > 0))
        {
            var reservation = snapshot.Clusters.Single(c => c.Name == admission.Placement.Cluster).Reservations
                .SingleOrDefault(r => r.RequestId == admission.Request.Id);
            Check(reservation?.Placement == admission.Placement, $"{admission.Request.Id} runs without its reservation");
        }
    }

    private void CheckShape(Admission admission)
    {
        var request = admission.Request;
        var workers = admission.Placement.Workers;
        var id = request.Id;
        if (admission.Gpus == 0)
        {
            Check(request.TotalGpus == 0 || request.StartWithAvailableGpus, $"{id} runs with no GPUs");
            return;
        }

        var perWorker = workers[0].GpuIndices.Count;
        Check(workers.Count == request.WorkerCount && workers.All(w => w.GpuIndices.Count == perWorker), $"{id} is not placed as a whole gang");
        Check(request.StartWithAvailableGpus ? perWorker <= request.GpusPerWorker : perWorker == request.GpusPerWorker, $"{id} got {perWorker} GPUs per worker");
        Check(request.WorkerCount > 1 || workers.Count == 1, $"{id} spans nodes");
        Check(request.DistributionMode != DistributionMode.Manual || workers.Select(w => w.Node).Distinct().Count() == workers.Count, $"{id} shares a node in manual mode");
        Check(workers.All(w => request.Affinity.All(world.NodeSpec(w.Node).Labels.Contains)), $"{id} ignores its affinity");
        Check(request.Cluster is null || request.Cluster == admission.Placement.Cluster, $"{id} runs outside its named cluster");
    }

    private void CheckQueueView(IReadOnlyList<QueueEntry> view)
    {
        Check(view.Select(e => e.Position).SequenceEqual(Enumerable.Range(1, view.Count)), "queue positions are not 1..n");
        var estimates = view.Where(e => e.EstimatedStart is not null).Select(e => e.EstimatedStart!.Value).ToList();
        Check(estimates.All(t => t >= now), "an estimate lies in the past");
        Check(estimates.Zip(estimates.Skip(1)).All(p => p.First <= p.Second), "estimates run backwards along the queue");
        var firstUnstartable = view.TakeWhile(e => e.Request.TotalGpus <= pool.Size).Count();
        Check(
            view.Select((e, i) => e.EstimatedStart is null == (e.Request.TotalGpus > pool.Size || (pool.Policy == QueuePolicy.StrictFifo && i > firstUnstartable))).All(ok => ok),
            "an estimate is missing for a startable request or present for an unstartable one");
    }

    /// <summary>Whether the given head (as the pool has it queued) may not be passed: always under strict FIFO, once too old otherwise.</summary>
    private bool HeadBlocks(string? head) =>
        head is not null
        && (pool.Policy == QueuePolicy.StrictFifo
            || now - pool.QueueView(now).First(e => e.Request.Id == head).EnqueuedAt > pool.MaxHeadAge);

    private bool Has(Invariant invariant) => (checks & invariant) == invariant;

    private void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"step {step}: {message}");
        }
    }
}
