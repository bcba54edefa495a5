using DKube.Abstractions.Common;
using DKube.Abstractions.Pipelines;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Pipelines;

[GenerateSerializer]
[Alias("dkube.state.pipeline")]
public sealed class PipelineState : IProjectedState
{
    /// <summary>The pipeline as it stands; null until created.</summary>
    [Id(0)]
    public PipelineView? View { get; set; }

    /// <summary>Each version's YAML as uploaded, by version id.</summary>
    [Id(1)]
    public Dictionary<string, string> Yaml { get; set; } = [];

    /// <summary>The listing row and the name (unique in the group), stored with the state.</summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.NamedResource(new ResourceRow(ResourceKinds.Pipeline, key, view.Name, view.Owner, view.Group, null, null, view.CreatedAt, view), view.Group);
        }
    }

    public void ProjectClear(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.RemoveNamedResource(ResourceKinds.Pipeline, view.Group, view.Name, key);
        }
    }
}
