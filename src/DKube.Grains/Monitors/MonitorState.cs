using DKube.Abstractions.Common;
using DKube.Abstractions.Monitors;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Monitors;

[GenerateSerializer]
[Alias("dkube.state.monitor")]
public sealed class MonitorState : IProjectedState
{
    /// <summary>The monitor as it stands, alert states and deliveries included; null until created (and once deleted).</summary>
    [Id(0)]
    public MonitorView? View { get; set; }

    /// <summary>The number the next webhook delivery's id gets.</summary>
    [Id(1)]
    public long NextDelivery { get; set; } = 1;

    /// <summary>The number the next retraining run's id (<c>{monitor}-r{n}</c>) gets: stored before the run is created, so a retried create makes the same run.</summary>
    [Id(2)]
    public long NextRetraining { get; set; } = 1;

    /// <summary>
    /// The listing row: owned by the deployment's owner in its group, so that the listing shows a
    /// monitor to exactly whoever may see its deployment (the one visibility rule of monitors).
    /// </summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.Resource(new ResourceRow(ResourceKinds.Monitor, key, view.Name, view.DeploymentOwner, view.Group, view.Project,
                view.Status.ToString(), view.CreatedAt, view));
        }
    }

    public void ProjectClear(string key, Projection projection)
    {
        if (View is not null)
        {
            projection.RemoveResource(ResourceKinds.Monitor, key);
        }
    }
}
