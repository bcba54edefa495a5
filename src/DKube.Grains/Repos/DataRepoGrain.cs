using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Grains.Persistence;

namespace DKube.Grains.Repos;

public sealed class DataRepoGrain(
    [PersistentState("data")] IPersistentState<DataRepoState> state,
    TimeProvider time) : Grain, IDataRepoGrain
{
    public async Task<DataRepoView> Create(DataRepoSpec spec)
    {
        if (state.State.View is { } existing)
        {
            return existing.Name == spec.Name && existing.Owner == spec.Owner && existing.Kind == spec.Kind
                ? existing
                : throw DomainException.Conflict("already-exists", $"Repository '{existing.Id}' already exists.");
        }

        var id = this.GetPrimaryKeyString();
        return await SaveAsync(new DataRepoView(
            id, spec.Kind, spec.Name, spec.Owner, spec.Group, spec.Project, spec.Description, spec.Versioned,
            spec.Location, spec.Tags, spec.Features, 0, time.GetUtcNow()));
    }

    public Task<DataRepoView> Update(DataRepoChange change)
    {
        var current = Current();
        if (change.Features is not null && current.Kind != RepoKind.FeatureSet)
        {
            throw DomainException.Validation("featureSpec", "only featuresets have a feature specification.");
        }

        return SaveAsync(current with
        {
            Description = change.Description ?? current.Description,
            Project = change.Project ?? current.Project,
            Tags = change.Tags ?? current.Tags,
            Features = change.Features ?? current.Features,
        });
    }

    public async Task Delete()
    {
        // 404 when there is nothing to delete.
        _ = Current();
        // The listing row and the name go in the same transaction (DataRepoState projects them).
        await state.SaveAsync(DeactivateOnIdle, clear: true);
    }

    public Task<DataRepoView?> Get() => Task.FromResult(state.State.View);

    public async Task<VersionView> AddVersion(NewVersion version)
    {
        var current = Current();
        if (!current.Versioned)
        {
            throw DomainException.Unprocessable("not-versioned", $"Repository '{current.Id}' points at an external location and keeps no versions.");
        }

        if (version.Key is { } key && state.State.Keyed.TryGetValue(key, out var made))
        {
            // A retry of a run's output commit (the first answer was lost with a silo or a timeout).
            return state.State.Versions[made - 1];
        }

        var number = state.State.Versions.Count + 1;
        var view = new VersionView(
            number, version.Digest, version.Size, version.FileCount, version.Creator, version.Lineage?.RunId, time.GetUtcNow(),
            version.Lineage, [], current.Kind == RepoKind.Model ? ModelStage.Development : null, null);
        state.State.Versions.Add(view);
        if (version.Key is not null)
        {
            state.State.Keyed[version.Key] = number;
        }

        state.State.AddedContents = version.Contents ?? [];
        try
        {
            await SaveAsync(current with { LatestVersion = number });
        }
        catch
        {
            // Not stored: forget it in memory too, so a retry neither skips a number nor finds a key
            // for a version that does not exist.
            state.State.Versions.RemoveAt(state.State.Versions.Count - 1);
            if (version.Key is not null)
            {
                state.State.Keyed.Remove(version.Key);
            }

            state.State.View = current;
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            state.State.AddedContents = [];
        }

        return view;
    }

    // Version n sits at index n - 1, so a page is one slice of the list.
    public Task<IReadOnlyList<VersionView>> ListVersions(int after, int take) =>
        Task.FromResult<IReadOnlyList<VersionView>>([.. state.State.Versions.Skip(Math.Max(after, 0)).Take(Math.Max(take, 0))]);

    public Task<VersionView?> GetVersion(int version) => Task.FromResult(Find(version));

    public async Task RecordUsage(int version, string runId)
    {
        var current = Current();
        var view = Find(version) ?? throw DomainException.NotFound($"Version {version} of", current.Id);
        if (!view.UsedBy.Contains(runId))
        {
            state.State.Versions[version - 1] = view with { UsedBy = [.. view.UsedBy, runId] };
            await state.WriteStateAsync();
        }
    }

    public async Task<VersionView> SetStage(int version, ModelStage stage, ServingSpec? serving)
    {
        var current = Current();
        if (current.Kind != RepoKind.Model)
        {
            throw DomainException.Unprocessable("not-a-model", "Only model versions have stages.");
        }

        var view = Find(version) ?? throw DomainException.NotFound($"Version {version} of", current.Id);
        serving ??= view.Serving;
        var changed = stage switch
        {
            ModelStage.Published when serving is null =>
                throw DomainException.Validation("servingImage", "is required to publish a model version."),
            ModelStage.Deployed when view.Stage is not (ModelStage.Published or ModelStage.Deployed) =>
                throw DomainException.Conflict("invalid-stage-change", $"Version {version} must be published before it is deployed."),
            _ => view with { Stage = stage, Serving = serving },
        };
        state.State.Versions[version - 1] = changed;
        await state.WriteStateAsync();
        return changed;
    }

    private VersionView? Find(int version) =>
        version >= 1 && version <= state.State.Versions.Count ? state.State.Versions[version - 1] : null;

    private DataRepoView Current() => state.State.View ?? throw DomainException.NotFound("Repository", this.GetPrimaryKeyString());

    private async Task<DataRepoView> SaveAsync(DataRepoView view)
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
