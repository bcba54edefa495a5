using DKube.Abstractions.Errors;
using DKube.Abstractions.Pipelines;
using DKube.Grains.Persistence;

namespace DKube.Grains.Pipelines;

public sealed class ExperimentGrain(
    [PersistentState("experiment")] IPersistentState<ExperimentState> state,
    TimeProvider time) : Grain, IExperimentGrain
{
    public async Task<ExperimentView> Create(string name, string owner, string group, string? project, string? description)
    {
        if (state.State.View is { } existing)
        {
            // A retried create of the same experiment is answered with what exists.
            return existing.Name == name && existing.Owner == owner
                ? existing
                : throw DomainException.Conflict("already-exists", $"Experiment '{existing.Id}' already exists.");
        }

        // The name is claimed by the write itself (ExperimentState projects it): 409 if taken.
        return await SaveAsync(new ExperimentView(
            this.GetPrimaryKeyString(), name, owner, group, project, description, ExperimentView.Active,
            new Dictionary<string, ExperimentAccess>(StringComparer.Ordinal), time.GetUtcNow(), null));
    }

    public Task<ExperimentView?> Get() => Task.FromResult(state.State.View);

    public async Task<ExperimentView> Archive()
    {
        var current = Current();
        if (current.Status != ExperimentView.Archived)
        {
            current = await SaveAsync(current with { Status = ExperimentView.Archived, ArchivedAt = time.GetUtcNow() });
        }

        // After the experiment's own write, and again on every repeat: a cascade a failure cut
        // short is finished by archiving once more (each step is idempotent).
        foreach (var run in state.State.Runs.Order(StringComparer.Ordinal))
        {
            await Cascade(() => GrainFactory.GetGrain<IPipelineRunGrain>(run).Archive());
        }

        foreach (var recurring in state.State.RecurringRuns.Order(StringComparer.Ordinal))
        {
            await Cascade(() => GrainFactory.GetGrain<IRecurringRunGrain>(recurring).Disable());
        }

        return current;
    }

    /// <summary>One step of the archive cascade; a run or recurring run deleted since is passed over.</summary>
    private static async Task Cascade<T>(Func<Task<T>> step)
    {
        try
        {
            await step();
        }
        catch (DomainException e) when (e.Kind == ErrorKind.NotFound)
        {
        }
    }

    public Task AddRun(string pipelineRun) => AddAsync(state.State.Runs, pipelineRun);

    public Task AddRecurringRun(string recurringRun) => AddAsync(state.State.RecurringRuns, recurringRun);

    private async Task AddAsync(HashSet<string> members, string id)
    {
        _ = Current();
        if (members.Add(id))
        {
            await state.SaveAsync(() =>
            {
                members.Remove(id);
                DeactivateOnIdle();
            });
        }
    }

    public Task<ExperimentView> Unarchive()
    {
        var current = Current();
        return current.Status == ExperimentView.Active
            ? Task.FromResult(current)
            : SaveAsync(current with { Status = ExperimentView.Active, ArchivedAt = null });
    }

    public async Task Delete()
    {
        var current = Current();
        if (current.Status != ExperimentView.Archived)
        {
            throw DomainException.Conflict("not-archived", $"Experiment '{current.Id}' is active; archive it before deleting it.");
        }

        // The listing row and the name go in the same transaction (ExperimentState projects them).
        await state.SaveAsync(DeactivateOnIdle, clear: true);
    }

    public Task<ExperimentView> SetContributor(string user, ExperimentAccess? access)
    {
        var current = Current();
        if (user == current.Owner)
        {
            throw DomainException.Conflict("owner-access", $"'{user}' created experiment '{current.Id}' and stays its owner.");
        }

        var contributors = new Dictionary<string, ExperimentAccess>(current.Contributors, StringComparer.Ordinal);
        if (access is { } given)
        {
            contributors[user] = given;
        }
        else if (!contributors.Remove(user))
        {
            throw DomainException.NotFound("Contributor", user);
        }

        return SaveAsync(current with { Contributors = contributors });
    }

    private ExperimentView Current() => state.State.View ?? throw DomainException.NotFound("Experiment", this.GetPrimaryKeyString());

    private async Task<ExperimentView> SaveAsync(ExperimentView view)
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
