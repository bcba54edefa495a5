using DKube.Abstractions.Pools;
using DKube.Storage.ReadModel;
using DKube.Abstractions.Clusters;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace DKube.Grains.Clusters;

public sealed class ClusterRegistryGrain(
    [PersistentState("cluster-registry")] IPersistentState<ClusterRegistryState> state,
    ReadModelWriter readModel,
    ILogger<ClusterRegistryGrain> logger,
    ClusterRefreshOptions? refresh = null) : Grain, IClusterRegistryGrain, IRemindable
{
    private TimeSpan Period => refresh?.Period ?? ClusterRefreshOptions.DefaultPeriod;

    private const string Reminder = "refresh-nodes";
    private Task _refreshing = Task.CompletedTask;

    public async Task Add(string name)
    {
        if (state.State.Names.Add(name))
        {
            await state.WriteStateAsync();
        }

        await NodesChanged(name);
        await EnsureRefresh();
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Names]);

    public async Task NodesChanged(string name)
    {
        // Pools that draw on every cluster, or on this one, must learn about its nodes.
        foreach (var group in await readModel.ListGroupsDrawingOnAsync(name))
        {
            GrainFactory.GetGrain<IGroupPoolGrain>(group).RefreshClusters().Ignore();
        }
    }

    public Task EnsureRefresh() => this.RegisterOrUpdateReminder(Reminder, Period, Period);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!_refreshing.IsCompleted)
        {
            return Task.CompletedTask;
        }

        // Off the reminder's turn (a backend may be slow to answer); one pass at a time.
        var (grains, names) = (GrainFactory, state.State.Names.ToList());
        _refreshing = Task.Run(() => RefreshAllAsync(grains, names, logger));
        return Task.CompletedTask;
    }

    private static async Task RefreshAllAsync(IGrainFactory grains, IReadOnlyList<string> names, ILogger logger)
    {
        foreach (var name in names)
        {
            try
            {
                await grains.GetGrain<IClusterGrain>(name).RefreshNodes();
            }
            catch (Exception e)
            {
                // An unreachable backend keeps its last known nodes until the next pass.
                logger.LogWarning(e, "Could not refresh the nodes of cluster {Cluster}", name);
            }
        }
    }
}
