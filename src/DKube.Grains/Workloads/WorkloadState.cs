using DKube.Abstractions.Common;
using DKube.Abstractions.Workloads;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Workloads;

[GenerateSerializer]
[Alias("dkube.state.workload")]
public sealed class WorkloadState : IProjectedState
{
    /// <summary>The workload as it stands; null until created (and again once deleted).</summary>
    [Id(0)]
    public WorkloadView? View { get; set; }

    /// <summary>
    /// The cluster whose queue the workload waits in (its pool admitted it, the cluster is busy), so a
    /// stop withdraws it there; null otherwise. Id 10 leaves room for other fields added meanwhile.
    /// </summary>
    [Id(10)]
    public string? WaitingOnCluster { get; set; }

    /// <summary>
    /// The attempt whose end the parent (<see cref="WorkloadView.Parent"/>) has been told of; 0 when
    /// none. An ended child whose parent was not told is told again on its next activation.
    /// </summary>
    [Id(11)]
    public int WatcherToldAttempt { get; set; }

    /// <summary>
    /// The attempt and endpoint a parent that watches serving children (<see cref="IWorkloadServingWatcher"/>)
    /// has been told of (a null endpoint: its admission); a child whose parent was not told is told again on its next activation.
    /// </summary>
    [Id(12)]
    public int ServingToldAttempt { get; set; }

    [Id(13)]
    public string? ServingToldEndpoint { get; set; }

    /// <summary>The listing row, written with the state (a run is never stored without it, so the reconciler sees every run).</summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (View is { } view)
        {
            // Listed to whom may see it (an evaluation run: its owner only).
            projection.Resource(new ResourceRow(KindOf(view.Type), view.Id, view.Name, view.Owner, view.Audience.Group,
                view.Project, view.Status.ToString(), view.CreatedAt, view));
        }
    }

    public void ProjectClear(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.RemoveResource(KindOf(view.Type), key);
        }
    }

    private static string KindOf(WorkloadType type) => type == WorkloadType.Ide ? ResourceKinds.Ide : ResourceKinds.Run;
}
