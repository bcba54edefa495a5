using DKube.Abstractions.Pools;
using DKube.Storage.ReadModel;
using DKube.Abstractions.Clusters;

namespace DKube.Grains.Clusters;

public sealed class ClusterRegistryGrain(
    [PersistentState("cluster-registry")] IPersistentState<ClusterRegistryState> state,
    ReadModelWriter readModel) : Grain, IClusterRegistryGrain
{
    public async Task Add(string name)
    {
        if (state.State.Names.Add(name))
        {
            await state.WriteStateAsync();
        }

        // Pools that draw on every cluster, or on this one, must learn about its nodes.
        foreach (var group in await readModel.ListGroupsDrawingOnAsync(name))
        {
            GrainFactory.GetGrain<IGroupPoolGrain>(group).RefreshClusters().Ignore();
        }
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Names]);
}
