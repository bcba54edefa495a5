using DKube.Abstractions.Clusters;

namespace DKube.Grains.Clusters;

public sealed class ClusterRegistryGrain(
    [PersistentState("cluster-registry")] IPersistentState<ClusterRegistryState> state) : Grain, IClusterRegistryGrain
{
    public async Task Add(string name)
    {
        if (state.State.Names.Add(name))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Names]);
}
