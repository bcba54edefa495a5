using DKube.Abstractions.Workloads;
using Orleans.Concurrency;

namespace DKube.Abstractions.Serving;

/// <summary>
/// One inference endpoint, keyed by its id: the single writer of its replicas (workloads it
/// creates and learns the end of by event), its routes and its scale. The gateway reads its
/// routes and reports the concurrency it observes; the autoscaler decides from those reports.
/// </summary>
[Alias("dkube.IDeploymentGrain")]
public interface IDeploymentGrain : IGrainWithStringKey, IWorkloadServingWatcher
{
    /// <summary>Accepts the deployment (persisted before this returns) and starts its replicas; the same spec again returns it.</summary>
    [Alias("Create")]
    Task<DeploymentView> Create(DeploymentSpec spec, string owner);

    /// <summary>
    /// <see cref="Create"/> for a parent (a pipeline run's serving step): the deployment shows it as
    /// <c>parent: {kind, id}</c> and tells its watcher (an <see cref="IDeploymentWatcher"/>) once it settles.
    /// </summary>
    [Alias("CreateChild")]
    Task<DeploymentView> CreateChild(DeploymentSpec spec, string owner, WorkloadParent parent);

    /// <summary>The parent got the settled notice (called by the deployment itself, off its turn, once delivered).</summary>
    [Alias("ParentTold")]
    Task ParentTold(DeploymentStatus status);

    /// <summary>
    /// Registers a deployment served elsewhere at <paramref name="url"/> (status <c>Imported</c>, no
    /// replicas), so that it can be monitored from the predictions posted to it; the same again returns it.
    /// </summary>
    [Alias("Import")]
    Task<DeploymentView> Import(DeploymentSpec spec, string url, string owner);

    [Alias("Get")]
    [ReadOnly]
    Task<DeploymentView?> Get();

    /// <summary>Changes the model (a rolling change: new replicas ready before the old ones drain) or the scaling bounds.</summary>
    [Alias("Update")]
    Task<DeploymentView> Update(DeploymentChange change);

    /// <summary>Stops every replica; the deployment stays, Stopped, until started again.</summary>
    [Alias("Stop")]
    Task<DeploymentView> Stop();

    [Alias("Start")]
    Task<DeploymentView> Start();

    /// <summary>Stops every replica and forgets the deployment.</summary>
    [Alias("Delete")]
    Task Delete();

    /// <summary>The routes, or null when the deployment does not exist.</summary>
    [Alias("GetRoutes")]
    [ReadOnly]
    Task<DeploymentRoutes?> GetRoutes();

    /// <summary>
    /// Completes when the routes are newer than <paramref name="knownVersion"/> (at once if they
    /// are), or after <paramref name="wait"/> with the routes as they are: how a gateway follows them.
    /// </summary>
    [Alias("WaitRoutes")]
    [AlwaysInterleave]
    Task<DeploymentRoutes?> WaitRoutes(long knownVersion, TimeSpan wait);

    /// <summary>
    /// A gateway's report of the average concurrency (in flight plus queued) it saw since its last
    /// report; a report with demand for a deployment at zero replicas wakes it at once.
    /// </summary>
    [Alias("ReportLoad")]
    [OneWay]
    Task ReportLoad(string gateway, double concurrency);

    /// <summary>The readiness probe of a replica answered (called by the probe, off the grain's turn).</summary>
    [Alias("ReplicaReady")]
    Task ReplicaReady(string replicaId);

    /// <summary>The readiness probe gave up on a replica: the runtime never became ready.</summary>
    [Alias("ReplicaNeverReady")]
    Task ReplicaNeverReady(string replicaId, string reason);

    /// <summary>The concurrency reports and scale decisions, for the deployment's metrics.</summary>
    [Alias("GetScaleState")]
    [ReadOnly]
    Task<ScaleState> GetScaleState();

    /// <summary>The replica counts (desired, ready) each time they changed, oldest first; bounded to the latest changes.</summary>
    [Alias("GetReplicaHistory")]
    [ReadOnly]
    Task<IReadOnlyList<ReplicaSample>> GetReplicaHistory();
}
