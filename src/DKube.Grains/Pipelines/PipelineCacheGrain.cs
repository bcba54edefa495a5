using DKube.Abstractions.Pipelines;

namespace DKube.Grains.Pipelines;

public sealed class PipelineCacheGrain([PersistentState("pipeline-cache")] IPersistentState<PipelineCacheState> state) : Grain, IPipelineCacheGrain
{
    public Task<PipelineCacheEntry?> Get() => Task.FromResult(state.State.Entry);

    public async Task Put(PipelineCacheEntry entry)
    {
        if (state.State.Entry is not null)
        {
            return;
        }

        state.State.Entry = entry;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Entry = null;
            throw;
        }
    }
}
