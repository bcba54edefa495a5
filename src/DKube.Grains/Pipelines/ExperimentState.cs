using DKube.Abstractions.Common;
using DKube.Abstractions.Pipelines;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Pipelines;

[GenerateSerializer]
[Alias("dkube.state.experiment")]
public sealed class ExperimentState : IProjectedState
{
    /// <summary>The experiment as it stands; null until created or after deletion.</summary>
    [Id(0)]
    public ExperimentView? View { get; set; }

    /// <summary>The pipeline runs made in it: archived with it.</summary>
    [Id(1)]
    public HashSet<string> Runs { get; set; } = [];

    /// <summary>The recurring runs made in it: disabled when it is archived.</summary>
    [Id(2)]
    public HashSet<string> RecurringRuns { get; set; } = [];

    /// <summary>The listing row (with its status) and the name (unique in the group), stored with the state.</summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.NamedResource(new ResourceRow(ResourceKinds.Experiment, key, view.Name, view.Owner, view.Group, view.Project, view.Status, view.CreatedAt, view), view.Group);
        }
    }

    public void ProjectClear(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.RemoveNamedResource(ResourceKinds.Experiment, view.Group, view.Name, key);
        }
    }
}
