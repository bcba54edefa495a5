using DKube.Abstractions.Workloads;
using DKube.Grains.Persistence;

namespace DKube.Grains.Workloads;

public sealed class TemplateGrain(
    [PersistentState("template")] IPersistentState<TemplateState> state,
    TimeProvider time) : Grain, ITemplateGrain
{
    public async Task<TemplateView> Create(string owner, WorkloadSpec spec)
    {
        if (state.State.View is { } existing)
        {
            return existing;
        }

        var id = this.GetPrimaryKeyString();
        var view = new TemplateView(id, spec.Name, owner, spec.Group, spec, time.GetUtcNow());
        state.State.View = view;
        // The name is claimed by the write itself (TemplateState projects it): 409 if taken.
        await state.SaveAsync(() =>
        {
            state.State.View = null;
            DeactivateOnIdle();
        });
        return view;
    }

    public Task<TemplateView?> Get() => Task.FromResult(state.State.View);
}
