using DKube.Abstractions.Common;
using DKube.Abstractions.Serving;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Serving;

[GenerateSerializer]
[Alias("dkube.state.deployment")]
public sealed class DeploymentState : IProjectedState
{
    /// <summary>The deployment as it stands, its replicas included; null until created (and once deleted).</summary>
    [Id(0)]
    public DeploymentView? View { get; set; }

    /// <summary>The number the next replica's id gets: stored before the replica is created, so a retried create after a crash makes the same one.</summary>
    [Id(1)]
    public int NextReplica { get; set; } = 1;

    /// <summary>The model version that gets traffic; differs from the view's model while a change rolls out.</summary>
    [Id(2)]
    public int ServingVersion { get; set; }

    /// <summary>The replica counts each time they changed (the deployment's replicas-over-time metrics), the latest <see cref="DeploymentGrain.MaxReplicaSamples"/>.</summary>
    [Id(3)]
    public List<ReplicaSample> ReplicaHistory { get; set; } = [];

    /// <summary>Replicas in a row that missed the progress deadline (each replaced); back to 0 when one is ready.</summary>
    [Id(4)]
    public int Stalls { get; set; }

    /// <summary>The status a parent (<see cref="DeploymentView.Parent"/>) was told the deployment settled in; null until told.</summary>
    [Id(5)]
    public DeploymentStatus? ParentTold { get; set; }

    /// <summary>The deployment's name (unique in its group) and listing row, stored with the state.</summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.NamedResource(new ResourceRow(ResourceKinds.Deployment, key, view.Name, view.Owner, view.Group, view.Project,
                view.Status.ToString(), view.CreatedAt, view), view.Group);
        }
    }

    public void ProjectClear(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.RemoveNamedResource(ResourceKinds.Deployment, view.Group, view.Name, key);
        }
    }
}
