namespace DKube.Abstractions.Pipelines;

/// <summary>An experiment, keyed by id; its name is unique within its group.</summary>
[Alias("dkube.IExperimentGrain")]
public interface IExperimentGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<ExperimentView> Create(string name, string owner, string group, string? project, string? description);

    /// <summary>
    /// Read-only, and answered even while the experiment is archiving: its archive cascade waits on
    /// runs and recurring runs that may be waiting on this answer (a run being created in it).
    /// </summary>
    [Alias("Get")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<ExperimentView?> Get();

    /// <summary>Archives it and its pipeline runs, and disables its recurring runs (idempotent: a repeat cascades again).</summary>
    [Alias("Archive")]
    Task<ExperimentView> Archive();

    /// <summary>Makes it active again (idempotent).</summary>
    [Alias("Unarchive")]
    Task<ExperimentView> Unarchive();

    /// <summary>Forgets it; 409 unless it is archived.</summary>
    [Alias("Delete")]
    Task Delete();

    /// <summary>Gives <paramref name="user"/> access, or removes theirs when <paramref name="access"/> is null.</summary>
    [Alias("SetContributor")]
    Task<ExperimentView> SetContributor(string user, ExperimentAccess? access);

    /// <summary>
    /// Records a pipeline run made in it (so that archiving the experiment archives the run).
    /// Interleaves, even with an archive: the archive's cascade may be waiting on a recurring run's
    /// Disable while that recurring run waits on the creation of a run that waits on this answer.
    /// </summary>
    /// <returns>Whether the experiment is archived once the run is stored as its member: an archive
    /// whose cascade started before may have passed the run by, so the run archives itself.</returns>
    [Alias("AddRun")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<bool> AddRun(string pipelineRun);

    /// <summary>Records a recurring run made in it (so that archiving the experiment disables it); interleaves and answers, as <see cref="AddRun"/>.</summary>
    [Alias("AddRecurringRun")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<bool> AddRecurringRun(string recurringRun);
}
