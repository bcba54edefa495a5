using DKube.Abstractions.Workloads;
using Orleans.Concurrency;

namespace DKube.Abstractions.Pipelines;

/// <summary>
/// A pipeline run, keyed by id: the single writer of its tasks. It walks the pipeline's DAG, runs
/// each ready container task as a child run in the owner's group pool, and learns of their ends
/// through <see cref="IWorkloadWatcher"/> (never by polling).
/// </summary>
[Alias("dkube.IPipelineRunGrain")]
public interface IPipelineRunGrain : IGrainWithStringKey, IWorkloadWatcher, Serving.IDeploymentWatcher
{
    /// <summary>
    /// Accepts the run (persisted before this returns) and starts its first tasks; 422 when the
    /// parameters do not fit the pipeline, 409 when the experiment is archived. Repeated with the
    /// same request it answers the existing run.
    /// </summary>
    [Alias("Create")]
    Task<PipelineRunView> Create(PipelineRunRequest request);

    [Alias("Get")]
    [ReadOnly]
    Task<PipelineRunView?> Get();

    /// <summary>Terminates it: no new task starts, running tasks are stopped; the run is Canceled.</summary>
    [Alias("Stop")]
    Task<PipelineRunView> Stop();

    /// <summary>Runs a Failed or Canceled run's failed, canceled and skipped-after-failure tasks again (new attempts); 409 otherwise.</summary>
    [Alias("Retry")]
    Task<PipelineRunView> Retry();

    [Alias("Archive")]
    Task<PipelineRunView> Archive();

    [Alias("Unarchive")]
    Task<PipelineRunView> Unarchive();

    /// <summary>Forgets it; 409 unless it is archived and has ended.</summary>
    [Alias("Delete")]
    Task Delete();

    /// <summary>
    /// The recurring run that triggered this run has been told of its end (a call the run makes to
    /// itself once its off-turn notice got through): it is not told again.
    /// </summary>
    [Alias("RecurringRunTold")]
    Task RecurringRunTold();
}
