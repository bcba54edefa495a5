using DKube.Abstractions.Common;
using DKube.Abstractions.Pipelines;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Pipelines;

[GenerateSerializer]
[Alias("dkube.state.recurring-run")]
public sealed class RecurringRunState : IProjectedState
{
    [Id(0)]
    public RecurringRunView? View { get; set; }

    /// <summary>Runs of ticks stored but not yet known to be created (run id -> tick).</summary>
    [Id(1)]
    public Dictionary<string, DateTimeOffset> Uncreated { get; set; } = [];

    /// <summary>The listing row (status Enabled or Disabled), stored with the state.</summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.Resource(new ResourceRow(ResourceKinds.RecurringRun, key, view.Request.Name, view.Request.Owner, view.Request.Group,
                view.Request.Project, view.Status, view.CreatedAt, view));
        }
    }

    public void ProjectClear(string key, Projection projection) => projection.RemoveResource(ResourceKinds.RecurringRun, key);
}
