using DKube.Abstractions.Errors;
using DKube.Abstractions.Pipelines;
using DKube.Grains.Persistence;

namespace DKube.Grains.Pipelines;

/// <summary>
/// An experiment: its view, and the runs and recurring runs made in it (for the archive cascade).
/// <see cref="AddRun"/> and <see cref="AddRecurringRun"/> interleave (see their interface), so every
/// write goes through one outstanding write.
/// </summary>
public sealed class ExperimentGrain(
    [PersistentState("experiment")] IPersistentState<ExperimentState> state,
    TimeProvider time) : Grain, IExperimentGrain
{
    private CoalescedWriter? _writer;

    // SaveAsync unwraps a refusal of the read model (a name taken), so the callers get their 409.
    private CoalescedWriter Writer => _writer ??= new CoalescedWriter(() => state.SaveAsync(() => { }), DeactivateOnIdle);

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
        // Snapshots: a run or recurring run may be added while the cascade waits (AddRun interleaves);
        // one added after the archive's own write finds the experiment archived and archives itself.
        foreach (var run in state.State.Runs.Order(StringComparer.Ordinal).ToList())
        {
            await Cascade(() => GrainFactory.GetGrain<IPipelineRunGrain>(run).Archive());
        }

        foreach (var recurring in state.State.RecurringRuns.Order(StringComparer.Ordinal).ToList())
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

    public Task<bool> AddRun(string pipelineRun) => AddAsync(state.State.Runs, pipelineRun);

    public Task<bool> AddRecurringRun(string recurringRun) => AddAsync(state.State.RecurringRuns, recurringRun);

    /// <summary>Stores <paramref name="id"/> as a member; true when the experiment is archived by then.</summary>
    private async Task<bool> AddAsync(HashSet<string> members, string id)
    {
        _ = Current();
        if (members.Add(id))
        {
            try
            {
                await Writer.WriteAsync();
            }
            catch
            {
                members.Remove(id);
                throw;
            }
        }
        else
        {
            // Added by a call whose write may still be in flight: answered once it is stored.
            await Writer.StoredAsync();
        }

        return Current().Status == ExperimentView.Archived;
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
        await Writer.StoredAsync();
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
        try
        {
            await Writer.WriteAsync();
        }
        catch
        {
            // Not stored (a name taken, storage away): memory goes back to what is stored (and the
            // writer deactivates the grain, so anything else that joined the write is reloaded).
            state.State.View = before;
            throw;
        }

        return view;
    }
}
