using DKube.Grains.Execution;
using DKube.Grains.Persistence;
using Orleans.Concurrency;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Workloads;
using DKube.Scheduling;

namespace DKube.Grains.Clusters;

/// <summary>
/// A cluster: its nodes and the authoritative book of which GPU indices each workload holds.
/// Reentrant with group-committed writes: every group's admissions pass through here, so
/// reservations made while a write is in flight share the next one.
/// </summary>
[Reentrant]
public sealed class ClusterGrain(
    [PersistentState("cluster")] IPersistentState<ClusterState> state,
    IExecutorRegistry executors,
    TimeProvider time) : Grain, IClusterGrain
{
    private ClusterInventory? _inventory;
    private CoalescedWriter? _writer;

    private string Name => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is { } spec)
        {
            _inventory = BuildInventory(spec, state.State.Reservations);
        }

        return Task.CompletedTask;
    }

    public async Task<ClusterView> Register(ClusterSpec spec)
    {
        if (state.State.Spec is not null)
        {
            throw DomainException.Conflict("name-taken", $"Cluster '{Name}' already exists.");
        }

        state.State.Spec = spec with { Nodes = await DiscoverNodesAsync(spec) };
        state.State.CreatedAt = time.GetUtcNow();
        _inventory = BuildInventory(state.State.Spec, state.State.Reservations);
        await SaveAsync();
        await GrainFactory.GetGrain<IClusterRegistryGrain>(IClusterRegistryGrain.Key).Add(Name);
        return View();
    }

    public Task<ClusterView?> Get() => Task.FromResult(state.State.Spec is null ? null : View());

    public Task<ClusterSpec?> GetSpec() => Task.FromResult(state.State.Spec);

    public async Task<Allocation?> Reserve(string id, Allocation wanted, IReadOnlyList<string> affinity)
    {
        if (state.State.Reservations.TryGetValue(id, out var held))
        {
            return held;
        }

        var inventory = _inventory ?? throw DomainException.NotFound("Cluster", Name);
        var placement = SchedulingMapper.ToPlacement(wanted);
        if (!IsFree(inventory, placement))
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

    private static bool IsFree(ClusterInventory inventory, Placement placement)
    {
        foreach (var worker in placement.Workers)
        {
            var node = inventory.Nodes.FirstOrDefault(n => n.Name == worker.Node);
            if (node is null || worker.GpuIndices.Any(i => i >= node.Gpus))
            {
                return false;
            }
        }

        var taken = inventory.Reservations
            .SelectMany(r => r.Placement.Workers.SelectMany(w => w.GpuIndices.Select(i => (w.Node, i))))
            .ToHashSet();
        return placement.Workers.All(w => w.GpuIndices.All(i => !taken.Contains((w.Node, i))));
    }

    private ClusterView View()
    {
        var spec = state.State.Spec!;
        return new ClusterView(spec.Name, spec.Kind, spec.Nodes, spec.Nodes.Sum(n => n.Gpus),
            state.State.Reservations.Values.Sum(a => a.TotalGpus), "ok", state.State.CreatedAt);
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
