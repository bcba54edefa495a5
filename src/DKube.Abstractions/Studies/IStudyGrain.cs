using DKube.Abstractions.Workloads;
using Orleans.Concurrency;

namespace DKube.Abstractions.Studies;

/// <summary>
/// A hyperparameter study, keyed by the id of the run that asked for it: the single writer of its
/// trials. It proposes trials with its search algorithm, creates each as a child run of the same
/// group pool, and learns of their ends through <see cref="IWorkloadWatcher"/>.
/// </summary>
[Alias("dkube.IStudyGrain")]
public interface IStudyGrain : IGrainWithStringKey, IWorkloadWatcher
{
    /// <summary>
    /// Accepts the study (persisted before this returns) and starts its first trials. <paramref name="template"/>
    /// is the run every trial copies; <paramref name="tuning"/> the Katib YAML (already validated by the caller).
    /// Repeated with the same arguments it answers the existing study (a retried submission).
    /// </summary>
    [Alias("Create")]
    Task<StudyView> Create(string owner, WorkloadSpec template, string tuning);

    [Alias("Get")]
    [ReadOnly]
    Task<StudyView?> Get();

    /// <summary>Ends the study: no new trial; running trials are stopped (their GPUs go back at once).</summary>
    [Alias("Stop")]
    Task<StudyView> Stop();
}
