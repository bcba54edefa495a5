using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Tenancy;

public sealed class ProjectGrain(
    [PersistentState("project")] IPersistentState<ProjectState> state,
    ReadModelWriter readModel,
    TimeProvider time) : Grain, IProjectGrain
{
    public async Task<ProjectView> Create(string name, string owner, string group, string? description, bool leaderboard)
    {
        if (state.State.View is { } existing)
        {
            // A retried create of the same project is answered with what exists.
            return existing.Name == name && existing.Owner == owner
                ? existing
                : throw DomainException.Conflict("already-exists", $"Project '{existing.Id}' already exists.");
        }

        var id = this.GetPrimaryKeyString();
        await readModel.ClaimNameAsync(ResourceKinds.Project, group, name, id);
        return await SaveAsync(new ProjectView(id, name, owner, group, description, leaderboard, time.GetUtcNow()));
    }

    public Task<ProjectView> Update(ProjectChange change)
    {
        var current = state.State.View ?? throw DomainException.NotFound("Project", this.GetPrimaryKeyString());
        return SaveAsync(current with
        {
            Description = change.Description ?? current.Description,
            Leaderboard = change.Leaderboard ?? current.Leaderboard,
        });
    }

    public Task<ProjectView?> Get() => Task.FromResult(state.State.View);

    private async Task<ProjectView> SaveAsync(ProjectView view)
    {
        state.State.View = view;
        await state.WriteStateAsync();
        await readModel.UpsertResourceAsync(new ResourceRow(
            ResourceKinds.Project, view.Id, view.Name, view.Owner, view.Group, view.Id, null, view.CreatedAt, view));
        return view;
    }
}
