using DKube.Abstractions.Workloads;
using Orleans.Concurrency;

namespace DKube.Abstractions.Leaderboards;

/// <summary>
/// The leaderboard of one project, keyed by project id: its hidden evaluation, every submission
/// and the per-member daily limit. Each submission is scored by a child run of the evaluation
/// (owned by the project's owner, in the project's group pool); the grain learns of the run's
/// end through <see cref="IWorkloadWatcher"/> and never polls it. The API checks who may call
/// what (the evaluation is the owner's only); the grain keeps the rules that need its state.
/// </summary>
[Alias("dkube.ILeaderboardGrain")]
public interface ILeaderboardGrain : IGrainWithStringKey
{
    /// <summary>Sets (or replaces) the evaluation; submissions already made keep the one they were scored with.</summary>
    [Alias("SetEvaluation")]
    Task<Evaluation> SetEvaluation(Evaluation evaluation);

    [Alias("GetEvaluation")]
    [ReadOnly]
    Task<Evaluation?> GetEvaluation();

    /// <summary>
    /// Accepts submission <paramref name="id"/> (idempotent per id) and starts its evaluation, or
    /// answers with the time the member may submit again when the daily limit is reached; 409
    /// <c>no-evaluation</c> before the owner set one.
    /// </summary>
    [Alias("Submit")]
    Task<SubmissionOutcome> Submit(string id, string user, SubmittedModel model);

    /// <summary>The submissions, oldest first; only <paramref name="user"/>'s when given.</summary>
    [Alias("Submissions")]
    [ReadOnly]
    Task<IReadOnlyList<Submission>> Submissions(string? user);

    [Alias("Board")]
    [ReadOnly]
    Task<LeaderboardView> Board();
}
