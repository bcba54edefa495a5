using DKube.Abstractions.Common;
using DKube.Abstractions.Pipelines;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Pipelines;

/// <summary>
/// A pipeline run as stored: its view (every task record included; a container task is written
/// with its run id before that run is created, so a restart creates the same run, never another)
/// and the YAML of the version it runs (parsed again on activation).
/// </summary>
[GenerateSerializer]
[Alias("dkube.state.pipeline-run")]
public sealed class PipelineRunState : IProjectedState
{
    [Id(0)]
    public PipelineRunView? View { get; set; }

    [Id(1)]
    public string Yaml { get; set; } = "";

    /// <summary>The recurring run that triggered it has been told that it ended.</summary>
    [Id(2)]
    public bool RecurringTold { get; set; }

    /// <summary>The listing row (with the status), stored with the state.</summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.Resource(new ResourceRow(ResourceKinds.PipelineRun, key, view.Name, view.Owner, view.Group, view.Project,
                view.Status.ToString(), view.CreatedAt, view));
        }
    }

    public void ProjectClear(string key, Projection projection) => projection.RemoveResource(ResourceKinds.PipelineRun, key);
}
