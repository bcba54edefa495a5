using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Persistence;

namespace DKube.Grains.Tenancy;

public sealed class ProjectGrain(
    [PersistentState("project")] IPersistentState<ProjectState> state,
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
        // The name is claimed by the write itself (ProjectState projects it): 409 if taken.
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
        var before = state.State.View;
        state.State.View = view;
        await state.SaveAsync(() =>
        {
            // Not stored (a name taken, storage away): memory goes back to what is stored.
            state.State.View = before;
            DeactivateOnIdle();
        });
        return view;
    }
}
