using DKube.Abstractions.Errors;
using DKube.Abstractions.Pipelines;
using DKube.Grains.Persistence;

namespace DKube.Grains.Pipelines;

public sealed class PipelineGrain(
    [PersistentState("pipeline")] IPersistentState<PipelineState> state,
    TimeProvider time) : Grain, IPipelineGrain
{
    public async Task<PipelineView> Create(string name, string owner, string group, string? description, string yaml)
    {
        if (state.State.View is { } existing)
        {
            // A retried create of the same pipeline is answered with what exists.
            return existing.Name == name && existing.Owner == owner && state.State.Yaml.GetValueOrDefault("v1") == yaml
                ? existing
                : throw DomainException.Conflict("already-exists", $"Pipeline '{existing.Id}' already exists.");
        }

        var spec = PipelineDocuments.Parse(yaml);
        var now = time.GetUtcNow();
        var version = new PipelineVersionView("v1", spec.Name, spec.Description, now, PipelineDocuments.Parameters(spec));
        var view = new PipelineView(this.GetPrimaryKeyString(), name, owner, group, description, [version], PipelineDocuments.Graph(spec), now);
        return await SaveAsync(view, version.Id, yaml);
    }

    public Task<PipelineView> AddVersion(string yaml)
    {
        var current = state.State.View ?? throw DomainException.NotFound("Pipeline", this.GetPrimaryKeyString());
        var spec = PipelineDocuments.Parse(yaml);
        var version = new PipelineVersionView($"v{current.Versions.Count + 1}", spec.Name, spec.Description, time.GetUtcNow(), PipelineDocuments.Parameters(spec));
        return SaveAsync(current with { Versions = [.. current.Versions, version], Graph = PipelineDocuments.Graph(spec) }, version.Id, yaml);
    }

    public Task<PipelineView?> Get() => Task.FromResult(state.State.View);

    public Task<PipelineSource> GetSource(string? version)
    {
        var view = state.State.View ?? throw DomainException.NotFound("Pipeline", this.GetPrimaryKeyString());
        var chosen = version is null ? view.Versions[^1] : view.Versions.FirstOrDefault(v => v.Id == version);
        if (chosen is null || !state.State.Yaml.TryGetValue(chosen.Id, out var yaml))
        {
            throw DomainException.NotFound("Pipeline version", $"{view.Id}/{version}");
        }

        return Task.FromResult(new PipelineSource(view.Id, chosen, yaml, PipelineDocuments.Graph(PipelineDocuments.Parse(yaml))));
    }

    private async Task<PipelineView> SaveAsync(PipelineView view, string versionId, string yaml)
    {
        var before = state.State.View;
        state.State.View = view;
        state.State.Yaml[versionId] = yaml;
        await state.SaveAsync(() =>
        {
            // Not stored (a name taken, storage away): memory goes back to what is stored.
            state.State.View = before;
            state.State.Yaml.Remove(versionId);
            DeactivateOnIdle();
        });
        return view;
    }
}
