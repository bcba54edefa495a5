using DKube.Abstractions.Leaderboards;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Tests.Workloads;

namespace DKube.Grains.Tests.Leaderboards;

/// <summary>
/// The leaderboard grain with real evaluation runs (processes of the test silo's local executor):
/// each submitted model version holds the metrics.json its evaluation copies out, so a test says
/// what each submission scores. Ranking, the daily limit on the FakeTimeProvider's UTC day, and
/// the at-least-once end events.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class LeaderboardGrainTests(GrainClusterFixture fixture)
{
    private const string Amy = "amy";
    private const string Bob = "bob";

    /// <summary>The evaluation: the submission's own metrics.json is its score (exit 1 when it has none).</summary>
    private const string CopyMetrics = "cp \"$DKUBE_SUBMISSION_DIR/metrics.json\" \"$DKUBE_OUTPUT_DIR/metrics.json\"";

    [Fact]
    public async Task Each_member_ranks_by_their_best_scored_submission()
    {
        var (board, world) = await NewBoardAsync(dailyLimit: null);
        var amy = await ModelAsync(world, Amy, Score("accuracy", 0.70), Score("accuracy", 0.91));
        var bob = await ModelAsync(world, Bob, Score("accuracy", 0.85));

        await SubmitAndSettleAsync(board, Amy, amy, 1);
        await SubmitAndSettleAsync(board, Bob, bob, 1);
        var best = await SubmitAndSettleAsync(board, Amy, amy, 2);

        var view = await board.Board();
        Assert.Equal("accuracy", view.Sort);
        Assert.Equal(MetricGoal.Maximize, view.Direction);
        Assert.Equal("the details", view.Details);
        Assert.Equal([(1, Amy, 0.91), (2, Bob, 0.85)], view.Items.Select(i => (i.Rank!.Value, i.User, i.Best!.Metrics["accuracy"])));
        Assert.Equal(best.Id, view.Items[0].Best!.Submission);
        Assert.Equal(2, view.Items[0].Submissions.Count);
        Assert.Single(await board.Submissions(Bob));
        Assert.Equal(3, (await board.Submissions(null)).Count);
    }

    [Fact]
    public async Task A_failed_or_malformed_evaluation_fails_the_submission_with_a_reason_and_is_never_ranked()
    {
        var (board, world) = await NewBoardAsync(dailyLimit: null);
        var model = await ModelAsync(world, Amy,
            [("weights.bin", "no metrics here")],
            [("metrics.json", "{\"metrics\": [{\"accuracy\": \"high\"}], \"sort\": \"accuracy\"}")],
            Score("loss", 0.2, sort: "accuracy"));

        var missing = await SubmitAndSettleAsync(board, Amy, model, 1);
        var malformed = await SubmitAndSettleAsync(board, Amy, model, 2);
        var unsorted = await SubmitAndSettleAsync(board, Amy, model, 3);

        Assert.Equal(SubmissionStatus.Failed, missing.Status);
        Assert.Equal("the evaluation ended Failed (exit code 1)", missing.Reason);
        Assert.Equal(SubmissionStatus.Failed, malformed.Status);
        Assert.Contains("finite numbers", malformed.Reason, StringComparison.Ordinal);
        Assert.Equal(SubmissionStatus.Failed, unsorted.Status);
        Assert.Contains("not among its metrics", unsorted.Reason, StringComparison.Ordinal);
        var line = Assert.Single((await board.Board()).Items);
        Assert.Null(line.Rank);
        Assert.Null(line.Best);
        Assert.Equal(3, line.Submissions.Count);
    }

    [Fact]
    public async Task The_daily_limit_counts_all_but_failed_submissions_and_resets_at_midnight_utc()
    {
        var (board, world) = await NewBoardAsync(dailyLimit: 2);
        var model = await ModelAsync(world, Amy, Score("accuracy", 0.5), [("nothing", "")]);
        var other = await ModelAsync(world, Bob, Score("accuracy", 0.6));

        await SubmitAndSettleAsync(board, Amy, model, 1);
        var failed = await SubmitAndSettleAsync(board, Amy, model, 2);
        Assert.Equal(SubmissionStatus.Failed, failed.Status);
        // The failed one does not count: a second submission that counts is still allowed today.
        await SubmitAndSettleAsync(board, Amy, model, 1);

        var refused = await board.Submit(GrainClusterFixture.NewKey("s"), Amy, new SubmittedModel("m", model, 1));
        Assert.Null(refused.Accepted);
        Assert.Equal(2, refused.DailyLimit);
        var now = fixture.Time.GetUtcNow();
        var midnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        Assert.Equal(midnight, refused.RetryAt);
        // Another member has a limit of their own.
        Assert.NotNull((await board.Submit(GrainClusterFixture.NewKey("s"), Bob, new SubmittedModel("m", other, 1))).Accepted);

        fixture.Time.Advance(midnight - now - TimeSpan.FromSeconds(1));
        Assert.Null((await board.Submit(GrainClusterFixture.NewKey("s"), Amy, new SubmittedModel("m", model, 1))).Accepted);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull((await board.Submit(GrainClusterFixture.NewKey("s"), Amy, new SubmittedModel("m", model, 1))).Accepted);
    }

    [Fact]
    public async Task A_repeated_end_event_or_submit_changes_nothing_and_the_result_survives_reactivation()
    {
        var (board, world) = await NewBoardAsync(dailyLimit: 5);
        var model = await ModelAsync(world, Amy, Score("accuracy", 0.75));
        var scored = await SubmitAndSettleAsync(board, Amy, model, 1);
        var run = await fixture.Grains.GetGrain<IWorkloadGrain>(scored.Run).Get();
        Assert.Equal(WorkloadStatus.Complete, run!.Status);
        Assert.Equal(new WorkloadParent(LeaderboardRuns.ParentKind, board.GetPrimaryKeyString(), board.GetGrainId()), run.Parent);

        // At least once: the same end again, a contradicting one, and one of a run that is not ours.
        var watcher = board.AsReference<IWorkloadWatcher>();
        await watcher.WorkloadEnded(run);
        await watcher.WorkloadEnded(run with { Status = WorkloadStatus.Failed, ExitCode = 3 });
        await watcher.WorkloadEnded(run with { Id = GrainClusterFixture.NewKey("r") });
        // A retried submit (same id) answers the same submission and starts no second run.
        var again = await board.Submit(scored.Id, Amy, scored.Model);
        Assert.Equal(Facts(scored), Facts(again.Accepted!));
        Assert.Equal(Facts(scored), Facts(Assert.Single(await board.Submissions(null))));

        await fixture.DeactivateAsync(board);
        Assert.Equal(Facts(scored), Facts(Assert.Single(await board.Submissions(Amy))));
        Assert.Equal(0.75, Assert.Single((await board.Board()).Items).Best!.Metrics["accuracy"]);
        Assert.Equal(1, world.StartsOf(scored.Run));
    }

    [Fact]
    public async Task A_submission_before_the_owner_set_an_evaluation_is_refused()
    {
        var board = fixture.Grains.GetGrain<ILeaderboardGrain>(GrainClusterFixture.NewKey("p"));
        var error = await Assert.ThrowsAsync<DKube.Abstractions.Errors.DomainException>(() => board.Submit("s-1", Amy, new SubmittedModel("m", "m-1", 1)));
        Assert.Equal("no-evaluation", error.Code);
    }

    /// <summary>What a submission says, comparable (its metrics are a dictionary).</summary>
    private static string Facts(Submission s) =>
        $"{s.Id} {s.User} {s.Model} {s.Status} {s.Reason} {s.EndedAt:O} {s.Sort} {s.Direction} {string.Join(",", s.Metrics?.Select(m => $"{m.Key}={m.Value}") ?? [])}";

    private async Task<(ILeaderboardGrain Board, WorkloadWorld World)> NewBoardAsync(int? dailyLimit)
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var project = GrainClusterFixture.NewKey("p");
        var board = fixture.Grains.GetGrain<ILeaderboardGrain>(project);
        // The marks line lets the test count how often each evaluation process started.
        await board.SetEvaluation(new Evaluation(project, WorkloadWorld.Owner, world.Group, new CodeRef("none", null), null, null,
            $"echo start >> {world.Marks}/$DKUBE_RUN_ID && {CopyMetrics}", "the details", dailyLimit, 0, fixture.Time.GetUtcNow()));
        return (board, world);
    }

    private Task<string> ModelAsync(WorkloadWorld world, string owner, params (string Name, string Content)[][] versions) =>
        world.RepoAsync(fixture, RepoKind.Model, owner, versions);

    private static (string Name, string Content)[] Score(string metric, double value, string? sort = null) =>
        [("metrics.json", $"{{\"metrics\": [{{\"{metric}\": {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}], \"sort\": \"{sort ?? metric}\"}}")];

    private static async Task<Submission> SubmitAndSettleAsync(ILeaderboardGrain board, string user, string model, int version)
    {
        var outcome = await board.Submit(GrainClusterFixture.NewKey("s"), user, new SubmittedModel("m", model, version));
        var id = outcome.Accepted!.Id;
        return await Eventually.Until(async () => (await board.Submissions(user)).Single(s => s.Id == id), s => s.Status != SubmissionStatus.Pending,
            TimeSpan.FromSeconds(90), $"submission {id} was settled");
    }
}
