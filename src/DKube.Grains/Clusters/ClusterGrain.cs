using DKube.Grains.Execution;
using DKube.Grains.Workloads;
using DKube.Grains.Persistence;
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
/// A cluster: its nodes and the authoritative book of which GPU indices each workload holds.
/// Reentrant with group-committed writes: every group's admissions pass through here, so
/// reservations made while a write is in flight share the next one.
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
    private ClusterInventory? _inventory;
    private CoalescedWriter? _writer;
    private AgentPlacement? _agent;

    private string Name => this.GetPrimaryKeyString();

    private IClusterAgentGrain Agent => GrainFactory.GetGrain<IClusterAgentGrain>(Name);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is { } spec)
        {
            _inventory = BuildInventory(spec, state.State.Reservations);
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
        _inventory = BuildInventory(state.State.Spec, state.State.Reservations);
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

    public Task<ClusterSpec?> GetSpec() =>
        Task.FromResult(state.State.Spec is { } stored ? ClusterSecrets.Unseal(stored, state.State.SealedSettings, protector) : null);

    public Task<IReadOnlyList<NodeInfo>> GetNodes() => Task.FromResult(state.State.Spec?.Nodes ?? []);

    public async Task EnsureAgent() => _agent = await Agent.Attach();

    public Task AgentPlaced(AgentPlacement placement)
    {
        var moved = _agent?.Silo != placement.Silo;
        _agent = placement;
        if (moved && state.State.Reservations.Count > 0)
        {
            // A new agent activation may sit on another silo than the one that started these
            // workloads (that silo died): have each re-attach to its execution through it, so what
            // still runs is watched again and what ended is concluded and frees its GPUs.
            logger.LogWarning("Agent of cluster {Cluster} activated on {Silo}; recovering {Count} workloads", Name, placement.Silo, state.State.Reservations.Count);
            var (grains, ids) = (GrainFactory, state.State.Reservations.Keys.ToList());
            _ = Task.Run(() => WorkloadRecovery.RecoverEachAsync(grains, ids, TimeSpan.FromMinutes(2), logger));
        }

        return Task.CompletedTask;
    }

    public async Task<Allocation?> Reserve(string id, Allocation wanted, IReadOnlyList<string> affinity)
    {
        if (state.State.Reservations.TryGetValue(id, out var held))
        {
            return held;
        }

        var inventory = _inventory ?? throw DomainException.NotFound("Cluster", Name);
        var placement = SchedulingMapper.ToPlacement(wanted);
        if (!inventory.IsFree(placement))
        {
            // Another group took these GPUs since the pool decided: find the same shape elsewhere.
            var workers = wanted.Workers.Count;
            var perWorker = workers == 0 ? 0 : wanted.Workers[0].Gpus.Count;
            var spread = workers > 1 && wanted.Workers.Select(w => w.Node).Distinct().Count() == workers;
            var shape = new GpuRequest(id, "", perWorker, workers - 1,
                spread ? Scheduling.DistributionMode.Manual : Scheduling.DistributionMode.Auto, affinity, false, TimeSpan.Zero, Name);
            placement = inventory.TryPlace(shape);
            if (placement is null)
            {
                return null;
            }
        }

        inventory.Reserve(id, placement);
        var allocation = SchedulingMapper.ToAllocation(placement);
        state.State.Reservations[id] = allocation;
        await SaveAsync();
        return allocation;
    }

    public async Task Release(string id)
    {
        if (state.State.Reservations.Remove(id))
        {
            _inventory?.Release(id);
            await SaveAsync();
        }
    }

    private Task SaveAsync()
    {
        _writer ??= new CoalescedWriter(() => state.WriteStateAsync(), DeactivateOnIdle);
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
            state.State.Reservations.Values.Sum(a => a.TotalGpus), "ok", state.State.CreatedAt, _agent?.Mode, _agent?.Silo);
    }

    private ClusterInventory BuildInventory(ClusterSpec spec, Dictionary<string, Allocation> reservations)
    {
        var inventory = new ClusterInventory(Name, spec.Nodes.Select(SchedulingMapper.ToNode));
        foreach (var (id, allocation) in reservations)
        {
            inventory.Reserve(id, SchedulingMapper.ToPlacement(allocation));
        }

        return inventory;
    }
}
