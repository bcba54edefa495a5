using DKube.Grains.Execution;
using DKube.Grains.Workloads;
using System.Text.Json;
using DKube.Grains.Persistence;
using DKube.Grains.Pools;
using Orleans.Concurrency;
using DKube.Grains.Affinity;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Workloads;
using DKube.Scheduling;
using DKube.Storage.Secrets;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Clusters;

/// <summary>
/// A cluster: its nodes, the authoritative book of which GPU indices each workload holds, and the
/// fair queue of the workloads their pools admitted that wait for room here (the policy is the pure
/// <see cref="ClusterQueue"/>; this grain feeds it, persists it and tells the workloads it places).
/// Reentrant with group-committed writes: every group's admissions pass through here, so
/// reservations made while a write is in flight share the next one; a decision never awaits in its middle.
/// It holds the cluster's credentials, so it is placed like the cluster's agent (on a silo of the
/// cluster when one is up) and hands its spec to that agent only.
/// </summary>
[Reentrant]
[ClusterAffinePlacement]
public sealed class ClusterGrain(
    [PersistentState("cluster")] IPersistentState<ClusterState> state,
    IExecutorRegistry executors,
    ISecretProtector protector,
    TimeProvider time,
    ILogger<ClusterGrain> logger) : Grain, IClusterGrain, IClusterCredentialsGrain, IIncomingGrainCallFilter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);
    private ClusterQueue? _queue;
    private CoalescedWriter? _writer;
    private AgentPlacement? _agent;

    private string Name => this.GetPrimaryKeyString();

    private IClusterAgentGrain Agent => GrainFactory.GetGrain<IClusterAgentGrain>(Name);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is { } spec)
        {
            _queue = BuildQueue(spec);
            if (ClusterSecrets.HasPlain(spec))
            {
                // Stored before credentials were sealed: seal them now.
                state.State.Spec = ClusterSecrets.Seal(spec, state.State.SealedSettings, protector);
                await state.WriteStateAsync(cancellationToken);
            }
        }
    }

    /// <summary>The credentials go to this cluster's agent and to nobody else, whatever assembly the caller compiled against.</summary>
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(GetSpec) && context.SourceId != Agent.GetGrainId())
        {
            logger.LogWarning("Refused the spec of cluster {Cluster} to {Caller}", Name, context.SourceId);
            throw new UnauthorizedAccessException($"Only the agent of cluster '{Name}' may read its settings.");
        }

        return context.Invoke();
    }

    public async Task<ClusterView> Register(ClusterSpec spec)
    {
        if (state.State.Spec is not null)
        {
            throw DomainException.Conflict("name-taken", $"Cluster '{Name}' already exists.");
        }

        state.State.Spec = ClusterSecrets.Seal(spec with { Nodes = await DiscoverNodesAsync(spec) }, state.State.SealedSettings, protector);
        state.State.CreatedAt = time.GetUtcNow();
        _queue = BuildQueue(state.State.Spec);
        await SaveAsync();
        await GrainFactory.GetGrain<IClusterRegistryGrain>(IClusterRegistryGrain.Key).Add(Name);
        await AttachAgentAsync();
        return View();
    }

    public async Task<ClusterView?> Get()
    {
        if (state.State.Spec is null)
        {
            return null;
        }

        if (_agent is null)
        {
            await AttachAgentAsync();
        }

        return View();
    }

    public async Task<ClusterView?> RefreshNodes()
    {
        if (state.State.Spec is not { Kind: not ClusterKind.Local } spec)
        {
            return state.State.Spec is null ? null : View();
        }

        // Discovery needs the credentials, which are stored sealed.
        var nodes = await DiscoverNodesAsync(ClusterSecrets.Unseal(spec, state.State.SealedSettings, protector));
        if (state.State.Spec is { } current && !SameNodes(current.Nodes, nodes))
        {
            logger.LogInformation("Nodes of cluster {Cluster} changed: {Before} -> {After}", Name,
                string.Join(",", current.Nodes.Select(n => n.Name)), string.Join(",", nodes.Select(n => n.Name)));
            state.State.Spec = current with { Nodes = nodes };
            // New room may place waiters at once: they are told after the write that books them.
            var placed = _queue?.SetNodes(nodes.Select(SchedulingMapper.ToNode), time.GetUtcNow()) ?? [];
            await SaveAsync();
            Notify(placed);
            await GrainFactory.GetGrain<IClusterRegistryGrain>(IClusterRegistryGrain.Key).NodesChanged(Name);
        }

        return View();
    }

    private static bool SameNodes(IReadOnlyList<NodeInfo> before, IReadOnlyList<NodeInfo> after) =>
        before.Count == after.Count && before.Zip(after).All(p =>
            p.First.Name == p.Second.Name && p.First.Gpus == p.Second.Gpus && p.First.Cpus == p.Second.Cpus
            && p.First.MemoryGiB == p.Second.MemoryGiB && p.First.Labels.SequenceEqual(p.Second.Labels));

    public Task<ClusterSpec?> GetSpec() =>
        Task.FromResult(state.State.Spec is { } stored ? ClusterSecrets.Unseal(stored, state.State.SealedSettings, protector) : null);

    public Task<IReadOnlyList<NodeInfo>> GetNodes() => Task.FromResult(state.State.Spec?.Nodes ?? []);

    public async Task EnsureAgent() => _agent = await Agent.Attach();

    public Task AgentPlaced(AgentPlacement placement)
    {
        var moved = _agent?.Silo != placement.Silo;
        _agent = placement;
        var booked = _queue?.Inventory.Reservations.Select(r => r.RequestId).ToList() ?? [];
        if (moved && booked.Count > 0)
        {
            // A new agent activation may sit on another silo than the one that started these
            // workloads (that silo died): have each re-attach to its execution through it, so what
            // still runs is watched again and what ended is concluded and frees its GPUs.
            logger.LogWarning("Agent of cluster {Cluster} activated on {Silo}; recovering {Count} workloads", Name, placement.Silo, booked.Count);
            var (grains, ids) = (GrainFactory, booked);
            _ = Task.Run(() => WorkloadRecovery.RecoverEachAsync(grains, ids, TimeSpan.FromMinutes(2), logger));
        }

        return Task.CompletedTask;
    }

    public async Task<ClusterGrant> Reserve(ClusterClaim claim)
    {
        var queue = _queue ?? throw DomainException.NotFound("Cluster", Name);
        var id = claim.Id;
        var known = queue.Inventory.Holds(id) || queue.GroupOf(id) is not null;
        var request = SchedulingMapper.ToRequest(claim.Request with { Id = id }).AsGranted(SchedulingMapper.ToPlacement(claim.Granted));
        var result = queue.Claim(request, claim.Group, time.GetUtcNow());
        if (!known && result.Outcome != ClaimOutcome.Unplaceable)
        {
            await SaveAsync();
        }
        else
        {
            // A repeated claim (a retry, a reconciler sweep) changes nothing; its answer may still
            // rest on a write in flight, so it waits for that one.
            await StoredAsync();
        }

        Notify(result.AlsoPlaced);
        return result.Outcome switch
        {
            ClaimOutcome.Placed => new ClusterGrant(ClusterGrantStatus.Placed, SchedulingMapper.ToAllocation(result.Placement!), null),
            ClaimOutcome.Waiting => new ClusterGrant(ClusterGrantStatus.Waiting, null, result.Position),
            _ => new ClusterGrant(ClusterGrantStatus.Unplaceable, null, null),
        };
    }

    public Task<IReadOnlyList<ClusterQueueItem>> GetQueue() => Task.FromResult(QueueItems());

    public async Task Release(string id)
    {
        if (_queue is not { } queue || !(queue.Inventory.Holds(id) || queue.GroupOf(id) is not null))
        {
            return;
        }

        var placed = queue.Release(id, time.GetUtcNow());
        await SaveAsync();
        Notify(placed);
    }

    /// <summary>Tells each workload placed from the queue (after the write that booked it), until it takes it.</summary>
    private void Notify(IReadOnlyList<Reservation> placed)
    {
        foreach (var reservation in placed)
        {
            AdmissionNotice.Send(GrainFactory, reservation.RequestId, SchedulingMapper.ToAllocation(reservation.Placement), logger);
        }
    }

    private IReadOnlyList<ClusterQueueItem> QueueItems() =>
        _queue?.QueueView(time.GetUtcNow())
            .Select(e => new ClusterQueueItem(e.Waiter.Request.Id, e.Waiter.Group, e.Waiter.Request.TotalGpus, e.Position, e.Waiter.EnqueuedAt))
            .ToList() ?? [];

    private Task StoredAsync() => _writer?.StoredAsync() ?? Task.CompletedTask;

    private Task SaveAsync()
    {
        _writer ??= new CoalescedWriter(
            () =>
            {
                // Taken when the write starts, so it holds every change made so far.
                if (_queue is { } queue)
                {
                    state.State.Reservations = queue.Inventory.Reservations
                        .ToDictionary(r => r.RequestId, r => SchedulingMapper.ToAllocation(r.Placement), StringComparer.Ordinal);
                    state.State.QueueJson = JsonSerializer.Serialize(queue.Snapshot(), Json);
                }

                return state.WriteStateAsync();
            },
            DeactivateOnIdle);
        return _writer.WriteAsync();
    }

    /// <summary>Remote clusters report their own nodes; an unreachable or refusing one is a 422, not a 500.</summary>
    private async Task<IReadOnlyList<NodeInfo>> DiscoverNodesAsync(ClusterSpec spec)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            return await executors.DiscoverNodesAsync(spec, timeout.Token);
        }
        // SlurmRejectedException: slurmrestd answered with errors[] (e.g. a user it does not know).
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidOperationException or ArgumentException
            or System.Text.Json.JsonException or DKube.Executors.Slurm.SlurmRejectedException)
        {
            throw DomainException.Unprocessable("cluster-unreachable", $"Could not read the nodes of {spec.Kind} cluster '{spec.Name}': {e.Message}");
        }
    }

    /// <summary>Learns where the agent runs (activating it); a failure leaves the placement unknown, not the call failed.</summary>
    private async Task AttachAgentAsync()
    {
        try
        {
            _agent = await Agent.Attach();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            logger.LogWarning(e, "Could not reach the agent of cluster {Cluster}", Name);
        }
    }

    private ClusterView View()
    {
        var spec = state.State.Spec!;
        return new ClusterView(spec.Name, spec.Kind, spec.Nodes, spec.Nodes.Sum(n => n.Gpus),
            _queue?.Inventory.Reservations.Sum(r => r.Placement.TotalGpus) ?? 0, "ok", state.State.CreatedAt, _agent?.Mode, _agent?.Silo, QueueItems());
    }

    /// <summary>The inventory from the nodes and booked reservations, and the queue over it from its snapshot.</summary>
    private ClusterQueue BuildQueue(ClusterSpec spec)
    {
        var inventory = new ClusterInventory(Name, spec.Nodes.Select(SchedulingMapper.ToNode));
        foreach (var (id, allocation) in state.State.Reservations)
        {
            inventory.Reserve(id, SchedulingMapper.ToPlacement(allocation));
        }

        var snapshot = state.State.QueueJson is { } json
            ? JsonSerializer.Deserialize<ClusterQueueSnapshot>(json, Json)!
            : new ClusterQueueSnapshot([], new Dictionary<string, string>());
        return ClusterQueue.Restore(inventory, PoolDefaults.MaxHeadAge, snapshot);
    }
}
