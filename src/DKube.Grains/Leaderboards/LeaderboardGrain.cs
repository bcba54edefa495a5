using DKube.Abstractions.Clusters;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Leaderboards;
using DKube.Abstractions.Workloads;
using DKube.Grains.Execution;
using DKube.Grains.Persistence;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Leaderboards;

/// <summary>
/// A project's leaderboard (see <see cref="ILeaderboardGrain"/>). A submission is stored Pending
/// before its evaluation run is created, with an id derived from the project and the submission,
/// so a retried submit or an activation after a crash creates the same run at most once. The run
/// tells this grain of its end (<see cref="IWorkloadWatcher.WorkloadEnded"/>, at least once): the
/// first delivery reads metrics.json and settles the submission, later ones find it settled.
/// </summary>
public sealed class LeaderboardGrain(
    [PersistentState("leaderboard")] IPersistentState<LeaderboardState> state,
    TimeProvider time,
    ILogger<LeaderboardGrain> logger) : Grain, ILeaderboardGrain, IWorkloadWatcher
{
    /// <summary>Submission by evaluation run id, rebuilt on activation.</summary>
    private readonly Dictionary<string, string> _byRun = new(StringComparer.Ordinal);

    private string Project => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var submission in state.State.Submissions.Values)
        {
            _byRun[submission.Run] = submission.Id;
        }

        // Recovery, once per activation (never a timer): a Pending submission whose run was not
        // created before a crash is created now; one whose end was told while this grain was
        // away is redelivered by the run itself.
        foreach (var pending in state.State.Submissions.Values.Where(s => s.Status == SubmissionStatus.Pending).ToList())
        {
            if (await GrainFactory.GetGrain<IWorkloadGrain>(pending.Run).Get() is null)
            {
                await StartEvaluationAsync(pending);
            }
        }
    }

    public async Task<Evaluation> SetEvaluation(Evaluation evaluation)
    {
        if (evaluation.Project != Project)
        {
            throw new ArgumentException($"An evaluation of '{evaluation.Project}' given to leaderboard '{Project}'.", nameof(evaluation));
        }

        var before = state.State.Evaluation;
        state.State.Evaluation = evaluation;
        await state.SaveAsync(() => state.State.Evaluation = before);
        return evaluation;
    }

    public Task<Evaluation?> GetEvaluation() => Task.FromResult(state.State.Evaluation);

    public async Task<SubmissionOutcome> Submit(string id, string user, SubmittedModel model)
    {
        var evaluation = state.State.Evaluation;
        if (state.State.Submissions.TryGetValue(id, out var existing))
        {
            if (existing.User != user || existing.Model != model)
            {
                throw DomainException.Conflict("already-exists", $"Submission '{id}' already exists (its idempotency key was used for another request).");
            }

            // A retry: its run may not have been created (the first attempt failed on the way).
            return new SubmissionOutcome(existing.Status == SubmissionStatus.Pending ? await StartEvaluationAsync(existing) : existing, null, evaluation?.DailyLimit);
        }

        if (evaluation is null)
        {
            throw DomainException.Conflict("no-evaluation", $"Project '{Project}' has no evaluation yet; its owner sets one first.");
        }

        var now = time.GetUtcNow();
        if (evaluation.DailyLimit is { } limit && CountedToday(user, now) >= limit)
        {
            // The day is the UTC day: the limit resets at the next midnight UTC.
            return new SubmissionOutcome(null, new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero), limit);
        }

        var submission = new Submission(id, user, model, SubmissionStatus.Pending, null, null, null, null, now, null, LeaderboardRuns.RunId(Project, id));
        await PutAsync(submission);
        return new SubmissionOutcome(await StartEvaluationAsync(submission), null, evaluation.DailyLimit);
    }

    public Task<IReadOnlyList<Submission>> Submissions(string? user) =>
        Task.FromResult<IReadOnlyList<Submission>>(state.State.Submissions.Values
            .Where(s => user is null || s.User == user)
            .OrderBy(s => s.SubmittedAt).ThenBy(s => s.Id, StringComparer.Ordinal).ToList());

    public Task<LeaderboardView> Board() =>
        Task.FromResult(LeaderboardRanking.Rank(state.State.Evaluation?.Details, state.State.Submissions.Values));

    public async Task WorkloadEnded(WorkloadView ended)
    {
        if (!_byRun.TryGetValue(ended.Id, out var id) || state.State.Submissions[id] is not { Status: SubmissionStatus.Pending } submission)
        {
            // Not ours, or told again after it was settled (delivery is at least once).
            return;
        }

        var at = ended.EndedAt ?? time.GetUtcNow();
        if (ended.Status != WorkloadStatus.Complete)
        {
            // The run's own reason may quote the evaluation; the submitter is told its outcome only.
            var exit = ended.ExitCode is { } code ? $" (exit code {code})" : "";
            await PutAsync(submission with { Status = SubmissionStatus.Failed, Reason = $"the evaluation ended {ended.Status}{exit}", EndedAt = at });
            return;
        }

        var content = ended.Allocation is { } allocation
            ? await GrainFactory.GetGrain<IClusterAgentGrain>(allocation.Cluster)
                .ReadOutputFile(ExecutionIds.For(ended.Id, ended.Attempt), LeaderboardRuns.MetricsFile, MetricsFile.MaxBytes)
            : null;
        var (scores, error) = MetricsFile.Parse(content);
        await PutAsync(scores is null
            ? submission with { Status = SubmissionStatus.Failed, Reason = error, EndedAt = at }
            : submission with { Status = SubmissionStatus.Scored, Metrics = scores.Metrics, Sort = scores.Sort, Direction = scores.Direction, EndedAt = at });
        logger.LogInformation("Submission {Submission} of leaderboard {Project} is {Status}", id, Project, state.State.Submissions[id].Status);
    }

    /// <summary>Submissions of <paramref name="user"/> on the UTC day of <paramref name="now"/> that count: all but the failed ones.</summary>
    private int CountedToday(string user, DateTimeOffset now) =>
        state.State.Submissions.Values.Count(s => s.User == user && s.Status != SubmissionStatus.Failed && s.SubmittedAt.UtcDateTime.Date == now.UtcDateTime.Date);

    /// <summary>
    /// Creates the submission's evaluation run (idempotent: the id is derived, the spec the same).
    /// A run the pool refuses (say, more GPUs than the group has) fails the submission, which then
    /// does not count; an unavailable silo or database is thrown, and the submission stays Pending
    /// for the retry (same id) or the next activation to create the run.
    /// </summary>
    private async Task<Submission> StartEvaluationAsync(Submission submission)
    {
        var evaluation = state.State.Evaluation!;
        try
        {
            await GrainFactory.GetGrain<IWorkloadGrain>(submission.Run)
                .CreateChild(WorkloadType.Run, SpecOf(evaluation, submission), evaluation.Owner, new WorkloadParent(LeaderboardRuns.ParentKind, Project, this.GetGrainId()));
            return submission;
        }
        catch (DomainException e) when (e.Code == "already-exists")
        {
            // Created earlier from an evaluation the owner has changed since: that run scores it.
            return submission;
        }
        catch (DomainException e)
        {
            var failed = submission with { Status = SubmissionStatus.Failed, Reason = $"the evaluation could not start: {e.Message}", EndedAt = time.GetUtcNow() };
            await PutAsync(failed);
            return failed;
        }
    }

    /// <summary>The evaluation run of a submission: the owner's command with the model version staged at DKUBE_SUBMISSION_DIR.</summary>
    private WorkloadSpec SpecOf(Evaluation evaluation, Submission submission)
    {
        var inputs = new List<VersionRef>();
        if (evaluation.Dataset is { } dataset)
        {
            inputs.Add(dataset with { MountPath = LeaderboardRuns.DataMount, Variable = LeaderboardRuns.DataVariable });
        }

        inputs.Add(new VersionRef("model", submission.Model.Name, submission.Model.Version, LeaderboardRuns.SubmissionMount,
            submission.Model.RepoId, LeaderboardRuns.SubmissionVariable));
        return new WorkloadSpec($"evaluation-{submission.Id}", LeaderboardRuns.Kind, evaluation.Group, Project, evaluation.Code, evaluation.Image,
            evaluation.Command, inputs, new OutputRef(LeaderboardRuns.Kind, LeaderboardRuns.MetricsFile), new Dictionary<string, string>(),
            evaluation.Gpus, false, null, null, [], TimeSpan.FromHours(1), new Dictionary<string, string>());
    }

    private async Task PutAsync(Submission submission)
    {
        var before = state.State.Submissions.GetValueOrDefault(submission.Id);
        state.State.Submissions[submission.Id] = submission;
        _byRun[submission.Run] = submission.Id;
        await state.SaveAsync(() =>
        {
            // Not stored: memory goes back to what is stored.
            if (before is null)
            {
                state.State.Submissions.Remove(submission.Id);
                _byRun.Remove(submission.Run);
            }
            else
            {
                state.State.Submissions[submission.Id] = before;
            }
        });
    }
}
