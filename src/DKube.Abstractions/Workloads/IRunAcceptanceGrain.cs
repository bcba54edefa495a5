namespace DKube.Abstractions.Workloads;

/// <summary>
/// Accepts a batch of resolved runs set-wise (POST /runs:batch): every new run's first state
/// (Queued) and listing row stored in one group commit, then one submission per group pool for
/// the batch; no workload grain is activated (a pool that admits a run calls its grain, which
/// activates from the stored state). A local stateless worker: it holds nothing between calls.
/// </summary>
[Alias("dkube.run-acceptance")]
public interface IRunAcceptanceGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// One answer per run, in order. A run whose id is taken already (a retried batch) or that could
    /// not be stored or submitted here is answered <see cref="RunAcceptance.NotAccepted"/>: the
    /// caller sends it through its workload grain, which applies the one-run rules.
    /// </summary>
    [Alias("Accept")]
    Task<IReadOnlyList<RunAcceptance>> Accept(IReadOnlyList<RunSubmission> runs);
}
