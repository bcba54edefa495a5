using DKube.Abstractions.Common;
using DKube.Abstractions.Workloads;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Workloads;

public sealed class TemplateGrain(
    [PersistentState("template")] IPersistentState<TemplateState> state,
    ReadModelWriter readModel,
    TimeProvider time) : Grain, ITemplateGrain
{
    public async Task<TemplateView> Create(string owner, WorkloadSpec spec)
    {
        if (state.State.View is { } existing)
        {
            return existing;
        }

        var id = this.GetPrimaryKeyString();
        await readModel.ClaimNameAsync(ResourceKinds.Template, owner, spec.Name, id);
        var view = new TemplateView(id, spec.Name, owner, spec.Group, spec, time.GetUtcNow());
        state.State.View = view;
        await state.WriteStateAsync();
        await readModel.UpsertResourceAsync(new ResourceRow(ResourceKinds.Template, id, view.Name, owner, view.Group, spec.Project, null, view.CreatedAt, view));
        return view;
    }

    public Task<TemplateView?> Get() => Task.FromResult(state.State.View);
}
