using Orleans.Concurrency;
using System.Text.Json;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Common;
using DKube.Abstractions.Live;
using DKube.Abstractions.Pools;
using DKube.Abstractions.Workloads;
using DKube.Grains.Clusters;
using DKube.Grains.Faults;
using DKube.Grains.Persistence;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Telemetry;
using DKube.Grains.Tenancy;
using DKube.Grains.Workloads;
using DKube.Scheduling;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Pools;

/// <summary>
/// The admission point of one group: it decides quota; the cluster grain decides placement (a
/// workload admitted here claims its cluster, which may make it wait, keeping its quota). Each turn is computation on the in-memory
/// <see cref="GroupPool"/> plus one state write; workloads admitted as a consequence of a release
/// or resize are told after that write, off the turn, until they take it (and the reconciler's
/// sweep of waiting workloads asks again if that gives up). It is reentrant so that decisions
/// made while a write is in flight share the next write (group commit); a decision is computed
/// without awaiting (cluster nodes are fetched before it starts), so interleaving never splits one.
/// The queue is stored as one row per waiting request beside the state (<see cref="PoolState"/>):
/// a write carries the entries changed since the last one, and activation reads the queue back in order.
/// Its running set is stored too, so an activation after a silo died also checks, once, that each
/// holder of its GPUs still wants them (<see cref="RecoverHoldersAsync"/>).
/// </summary>
[Reentrant]
public sealed class GroupPoolGrain(
    [PersistentState("pool")] IPersistentState<PoolState> state,
    QueueEntryStore entries,
    ReadModelWriter readModel,
    DKubeMetrics metrics,
    QuotaDefaults quotas,
    ILiveEvents live,
    TimeProvider time,
    ILogger<GroupPoolGrain> logger) : Grain, IGroupPoolGrain
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);
    private readonly Dictionary<string, int> _clusterGpus = new(StringComparer.Ordinal);
    private GroupPool _pool = new(0, Scheduling.QueuePolicy.BestEffortFifo, PoolDefaults.MaxHeadAge, []);
    private CoalescedWriter? _writer;

    // The waiting requests' kind and visibility (the running ones' are in the state), and the
    // queue changes not yet written: an id to its entry to store, or to null to remove it.
    private readonly Dictionary<string, (string Kind, bool OwnerOnly)> _waiting = new(StringComparer.Ordinal);
    private Dictionary<string, QueueEntryRow?> _unwritten = new(StringComparer.Ordinal);

    private string Group => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.SnapshotJson is { } json)
        {
            var snapshot = JsonSerializer.Deserialize<GroupPoolSnapshot>(json, Json)!;
            var queue = new List<QueuedRequest>();
            foreach (var row in await entries.LoadAsync(Group, cancellationToken))
            {
                var entry = JsonSerializer.Deserialize<StoredQueueEntry>(row.Payload, Json)!;
                queue.Add(entry.Waiting);
                _waiting[row.Id] = (entry.Kind, entry.OwnerOnly);
            }

            // A state stored before the queue had its table: its queue moves there with the next write.
            foreach (var waiting in snapshot.Queue)
            {
                var id = waiting.Request.Id;
                var kind = (state.State.Kinds.Remove(id, out var k) ? k : "run", state.State.OwnerOnly.Remove(id));
                _waiting[id] = kind;
                _unwritten[id] = EntryOf(waiting, kind.Item1, kind.Item2);
            }

            _pool = GroupPool.Restore(snapshot with { Queue = [.. snapshot.Queue, .. queue] });
        }

        _pool.QueueQuota = EffectiveQueueQuota();

        ApplyClusters(await FetchClustersAsync(state.State.Clusters));
        await RecoverHoldersAsync(cancellationToken);
    }

    /// <summary>
    /// The running set as stored may hold GPUs for workloads that no longer take them up: one that
    /// ended while its release was lost with a dead silo (its end is stored, its <see cref="Release"/>
    /// never came), or one the pool admitted whose notice was lost (it still waits, Allocation null).
    /// Nothing else frees those without the reconciler's sweep, and a one-GPU pool would admit
    /// nothing more. So each activation reads, once, the stored status of its holders (one query on
    /// the read model, no grain call on this turn) and asks those to recover, off this turn: an
    /// ended one releases its GPUs (here and on its cluster), a waiting one asks again and is
    /// answered its admission. Holders that are starting or running are their executor's to end.
    /// </summary>
    private async Task RecoverHoldersAsync(CancellationToken cancellationToken)
    {
        var holders = _pool.Running.Select(a => a.Request.Id).ToList();
        if (holders.Count == 0)
        {
            return;
        }

        var statuses = await readModel.StatusesAsync([ResourceKinds.Run, ResourceKinds.Ide], holders, cancellationToken);
        var stale = statuses
            .Where(s => Enum.TryParse<WorkloadStatus>(s.Value.Status, out var status)
                        && (status.IsFinal() || status is WorkloadStatus.Queued or WorkloadStatus.WaitingForGpus))
            .Select(s => s.Key)
            .ToList();
        if (stale.Count > 0)
        {
            logger.LogInformation("Pool {Group} asks {Count} of its GPU holders that no longer run to recover", Group, stale.Count);
            var grains = GrainFactory;
            _ = Task.Run(() => WorkloadRecovery.RecoverEachAsync(grains, stale, PoolDefaults.RecoveryBudget, logger), CancellationToken.None);
        }
    }

    public async Task<PoolDecision> Submit(PoolRequest request)
    {
        var (decision, changed) = Decide(request);
        // A repeated submission (a retry, a reconciler sweep) changes nothing; its answer may
        // still rest on a write in flight, so it waits for that one but starts none.
        await (changed ? SaveAsync() : StoredAsync());
        return AnswerOf(decision);
    }

    public async Task<IReadOnlyList<PoolDecision>> SubmitMany(IReadOnlyList<PoolRequest> requests)
    {
        // Decided one after another without awaiting (the queue quota counts the earlier ones of
        // the batch), then one write for them all.
        var decisions = new AdmissionDecision[requests.Count];
        var changed = false;
        for (var i = 0; i < requests.Count; i++)
        {
            (decisions[i], var one) = Decide(requests[i]);
            changed |= one;
        }

        await (changed ? SaveAsync() : StoredAsync());
        // The submitter does not take up admissions itself (the workloads are stored, not active):
        // each admitted one is told, as after a release (idempotent for one told already).
        Notify(decisions.OfType<AdmittedDecision>().Select(a => a.Admission).ToList());
        return decisions.Select(AnswerOf).ToList();
    }

    /// <summary>The pool's decision on <paramref name="request"/>, applied to memory; whether it changed what must be stored.</summary>
    private (AdmissionDecision Decision, bool Changed) Decide(PoolRequest request)
    {
        // No start estimate: it replays the whole queue (O(n)); the pool view estimates.
        var known = state.State.Kinds.ContainsKey(request.Id) || _waiting.ContainsKey(request.Id);
        var decision = _pool.Submit(SchedulingMapper.ToRequest(request), time.GetUtcNow(), estimateStart: false);
        if (decision is RejectedDecision || known)
        {
            return (decision, false);
        }

        if (decision is QueuedDecision { Entry: var entry })
        {
            _waiting[request.Id] = (request.Kind, request.OwnerOnly);
            _unwritten[request.Id] = EntryOf(new QueuedRequest(entry.Request, entry.EnqueuedAt), request.Kind, request.OwnerOnly);
        }
        else
        {
            Running(request.Id, request.Kind, request.OwnerOnly);
        }

        return (decision, true);
    }

    private PoolDecision AnswerOf(AdmissionDecision decision) => decision switch
    {
        AdmittedDecision admitted => new PoolDecision(PoolOutcome.Admitted, SchedulingMapper.ToAllocation(admitted.Admission.Placement), null, null, null),
        QueuedDecision queued => new PoolDecision(PoolOutcome.Queued, null, queued.Entry.Position, null, null),
        RejectedDecision rejected => new PoolDecision(PoolOutcome.Rejected, null, null, CodeOf(rejected.Reason), rejected.Message,
            rejected.Breach is { } breach ? new QuotaUse(Group, breach.Quota, breach.Limit, breach.Use) : null),
        _ => throw new InvalidOperationException($"Unknown decision {decision}."),
    };

    public async Task Release(string id)
    {
        var waited = _waiting.Remove(id);
        if (waited)
        {
            _unwritten[id] = null;
        }

        var admitted = Started(_pool.Release(id, time.GetUtcNow()));
        if (waited | state.State.Kinds.Remove(id) | state.State.OwnerOnly.Remove(id) || admitted.Count > 0)
        {
            await SaveAsync();
        }

        Notify(admitted);
    }

    public async Task Configure(int gpus, IReadOnlyList<string> clusters, Abstractions.Pools.QueuePolicy? policy, TimeSpan? maxHeadAge)
    {
        var fetched = clusters.SequenceEqual(state.State.Clusters) ? [] : await FetchClustersAsync(clusters);
        state.State.Clusters = [.. clusters];
        state.State.Policy = policy ?? state.State.Policy;
        state.State.MaxHeadAge = maxHeadAge ?? state.State.MaxHeadAge;
        var before = _pool.Running.Select(a => a.Request.Id).ToHashSet();
        _pool = Rebuild(gpus, state.State.Policy, state.State.MaxHeadAge);
        _pool.QueueQuota = EffectiveQueueQuota();
        ApplyClusters(fetched);
        var admitted = Started(_pool.Running.Where(a => !before.Contains(a.Request.Id)).ToList());
        await SaveAsync();
        Notify(admitted);
    }

    public async Task SetQueueQuota(int? perUser, int? perGroup)
    {
        state.State.QueuedPerUser = perUser;
        state.State.QueuedPerGroup = perGroup;
        _pool.QueueQuota = EffectiveQueueQuota();
        await SaveAsync();
    }

    public Task<IReadOnlyList<QuotaUse>> GetQueueUse(string user)
    {
        var quota = _pool.QueueQuota;
        return Task.FromResult<IReadOnlyList<QuotaUse>>(
        [
            new QuotaUse(Group, Scheduling.QueueQuota.QueuedPerUser, quota.PerOwner!.Value, _pool.QueuedOf(user)),
            new QuotaUse(Group, Scheduling.QueueQuota.QueuedPerGroup, quota.Total!.Value, _pool.QueueLength),
        ]);
    }

    /// <summary>The group's bounds on waiting workloads, the server's defaults where it sets none.</summary>
    private QueueQuota EffectiveQueueQuota() =>
        new(state.State.QueuedPerUser ?? quotas.QueuedPerUser, state.State.QueuedPerGroup ?? quotas.QueuedPerGroup);

    public async Task RefreshClusters()
    {
        var admitted = Started(ApplyClusters(await FetchClustersAsync(state.State.Clusters)));
        await SaveAsync();
        Notify(admitted);
    }

    /// <summary>
    /// The pool's queue (waiting for quota) followed by what it admitted that waits for room on its
    /// cluster (reason <c>cluster-busy</c>, at its position in that cluster's queue; it keeps its
    /// quota, so it counts as used), and what runs. The clusters are asked for their queues: the
    /// few clusters this group has work on, not one grain per workload.
    /// </summary>
    public Task<IReadOnlyList<string>> Unqueued(IReadOnlyList<string> ids) =>
        Task.FromResult<IReadOnlyList<string>>(ids.Where(id => !_waiting.ContainsKey(id)).ToList());

    public async Task<PoolView> GetView()
    {
        var now = time.GetUtcNow();
        var (size, used, free) = (_pool.Size, _pool.Used, _pool.Free);
        var queued = _pool.QueueView(now);
        var admitted = _pool.Running;
        var onClusters = admitted.Where(a => a.Gpus > 0).Select(a => a.Placement.Cluster).Distinct().ToList();
        var queues = await Task.WhenAll(onClusters.Select(c => GrainFactory.GetGrain<IClusterGrain>(c).GetQueue()));
        var busy = onClusters.Zip(queues)
            .SelectMany(c => c.Second.Where(i => i.Group == Group).Select(i => (Cluster: c.First, Item: i)))
            .ToDictionary(w => w.Item.Id, StringComparer.Ordinal);
        var queue = queued
            .Select(e => new PoolQueueEntry(e.Request.Id, KindOf(e.Request.Id), e.Request.Owner, e.Request.TotalGpus, e.Position, e.EnqueuedAt, e.EstimatedStart, PoolQueueEntry.WaitingForQuota, OwnerOnly: OwnerOnly(e.Request.Id)))
            .ToList();
        foreach (var admission in admitted)
        {
            if (busy.TryGetValue(admission.Request.Id, out var waiting))
            {
                var (cluster, item) = waiting;
                queue.Add(new PoolQueueEntry(item.Id, KindOf(item.Id), admission.Request.Owner, admission.Gpus, item.Position, item.QueuedAt, null, PoolQueueEntry.ClusterBusy, cluster, OwnerOnly(item.Id)));
            }
        }

        var running = admitted
            .Where(a => !busy.ContainsKey(a.Request.Id))
            .Select(a => new PoolRunningEntry(a.Request.Id, KindOf(a.Request.Id), a.Request.Owner, a.Gpus, a.Placement.Cluster, a.AdmittedAt, OwnerOnly(a.Request.Id)))
            .ToList();
        var clusters = _pool.ClusterNames
            .Select(c => new PoolClusterUse(c, running.Where(r => r.Cluster == c).Sum(r => r.Gpus), _clusterGpus.GetValueOrDefault(c)))
            .ToList();
        return new PoolView(Group, size, used, free, state.State.Policy, queue, running, clusters);
    }

    private string KindOf(string id) =>
        state.State.Kinds.TryGetValue(id, out var kind) ? kind : _waiting.TryGetValue(id, out var waiting) ? waiting.Kind : "run";

    private bool OwnerOnly(string id) => state.State.OwnerOnly.Contains(id) || (_waiting.TryGetValue(id, out var waiting) && waiting.OwnerOnly);

    /// <summary>Records a request that holds GPUs now (its kind in the state, beside the running set).</summary>
    private void Running(string id, string kind, bool ownerOnly)
    {
        state.State.Kinds[id] = kind;
        if (ownerOnly)
        {
            state.State.OwnerOnly.Add(id);
        }
    }

    /// <summary>Moves requests the pool admitted out of the queue's table and into the running set; returns them.</summary>
    private IReadOnlyList<Admission> Started(IReadOnlyList<Admission> admitted)
    {
        foreach (var admission in admitted)
        {
            var id = admission.Request.Id;
            if (_waiting.Remove(id, out var waiting))
            {
                _unwritten[id] = null;
                Running(id, waiting.Kind, waiting.OwnerOnly);
            }
        }

        return admitted;
    }

    private QueueEntryRow EntryOf(QueuedRequest waiting, string kind, bool ownerOnly) =>
        new(waiting.Request.Id, ++state.State.QueueSeq, JsonSerializer.SerializeToUtf8Bytes(new StoredQueueEntry(waiting, kind, ownerOnly), Json));

    /// <summary>
    /// The nodes of the clusters the group draws on (<paramref name="listed"/>, or every registered
    /// one). Fetched before a decision starts, so no decision awaits in its middle.
    /// </summary>
    private async Task<IReadOnlyList<(string Name, IReadOnlyList<NodeInfo> Nodes)>> FetchClustersAsync(IReadOnlyList<string> listed)
    {
        // Never the group grain: it calls Configure and waits, so calling it back would deadlock.
        var names = listed.Count > 0 ? listed : await GrainFactory.GetGrain<IClusterRegistryGrain>(IClusterRegistryGrain.Key).List();
        var nodes = await Task.WhenAll(names.Select(name => GrainFactory.GetGrain<IClusterGrain>(name).GetNodes()));
        return names.Zip(nodes).Where(c => c.Second.Count > 0).ToList();
    }

    /// <summary>Puts fetched cluster nodes into the pool; returns what that admitted.</summary>
    private List<Admission> ApplyClusters(IReadOnlyList<(string Name, IReadOnlyList<NodeInfo> Nodes)> clusters)
    {
        var admitted = new List<Admission>();
        foreach (var (name, nodes) in clusters)
        {
            _clusterGpus[name] = nodes.Sum(n => n.Gpus);
            admitted.AddRange(_pool.SetClusterNodes(name, nodes.Select(SchedulingMapper.ToNode), time.GetUtcNow()));
        }

        return admitted;
    }

    private GroupPool Rebuild(int gpus, Abstractions.Pools.QueuePolicy policy, TimeSpan maxHeadAge)
    {
        var snapshot = _pool.Snapshot() with { Size = gpus, Policy = SchedulingMapper.ToPolicy(policy), MaxHeadAge = maxHeadAge };
        if (state.State.Clusters.Count > 0)
        {
            // A group limited to some clusters forgets the others (the pool learnt every registered
            // cluster when it was activated before its list was set), except where its work still runs.
            var keep = state.State.Clusters.Concat(snapshot.Running.Select(a => a.Placement.Cluster)).ToHashSet(StringComparer.Ordinal);
            snapshot = snapshot with { Clusters = snapshot.Clusters.Where(c => keep.Contains(c.Name)).ToList() };
        }

        var pool = GroupPool.Restore(snapshot);
        pool.Reevaluate(time.GetUtcNow());
        return pool;
    }

    /// <summary>Tells each admitted workload, off this turn, until it has taken the news (<see cref="AdmissionNotice"/>).</summary>
    private void Notify(IReadOnlyList<Admission> admitted)
    {
        foreach (var admission in admitted)
        {
            AdmissionNotice.Send(GrainFactory, admission.Request.Id, SchedulingMapper.ToAllocation(admission.Placement), logger);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.PoolGone(Group);
        return Task.CompletedTask;
    }

    private Task StoredAsync() => _writer?.StoredAsync() ?? Task.CompletedTask;

    private async Task SaveAsync()
    {
        metrics.Pool(Group, _pool.Size, _pool.Used, _pool.QueueLength);
        _writer ??= new CoalescedWriter(WriteAsync, DeactivateOnIdle);
        await _writer.WriteAsync();
    }

    /// <summary>
    /// One write: the state as it is when the write starts (so it holds every change made so far)
    /// and the queue entries changed since the last write, in one transaction.
    /// </summary>
    private async Task WriteAsync()
    {
        state.State.SnapshotJson = JsonSerializer.Serialize(_pool.Snapshot(includeQueue: false), Json);
        var changes = _unwritten;
        _unwritten = new(StringComparer.Ordinal);
        state.State.QueueChanges([.. changes.Values.OfType<QueueEntryRow>()], [.. changes.Where(c => c.Value is null).Select(c => c.Key)]);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored: the changes go into the next write, under any made since (those are newer),
            // so a later write that succeeds before the grain deactivates never leaves them out.
            foreach (var (id, change) in changes)
            {
                _unwritten.TryAdd(id, change);
            }

            throw;
        }
        finally
        {
            state.State.QueueChanges([], []);
        }

        // The figures as they are once stored (a reentrant turn may have changed them meanwhile:
        // newer is fine), told once per write: the submissions that shared it share the event
        // (a batch of 1,000 runs told the feed 1,000 times).
        await live.Publish(LiveTopics.Pools, LiveScope.OfGroup(Group), new PoolFigures(Group, _pool.Size, _pool.Used, _pool.Free, _pool.QueueLength));
    }

    private static string CodeOf(RejectionReason reason) => reason switch
    {
        RejectionReason.ExceedsPoolSize => "exceeds-pool",
        RejectionReason.UnknownCluster => "unknown-cluster",
        RejectionReason.Unplaceable => "unplaceable",
        RejectionReason.QueueQuotaExceeded => "quota-exceeded",
        _ => "invalid-request",
    };
}
