using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;

namespace DKube.Integration.Tests.Leaderboards;

/// <summary>
/// The issue's scenario over real HTTP on the co-hosted server, with real git and real processes:
/// the owner's evaluation (a python3 script of a code repo, a labels dataset, both in a group of the
/// owner's own) scores the model versions two members submit; the board ranks their best and its
/// CSV says the same; the evaluation, its data, its runs and their logs stay the owner's.
/// </summary>
[Collection(RepoCollection.Name)]
public sealed class LeaderboardTests(RepoFixture fixture)
{
    /// <summary>Accuracy of the submission's predictions against the hidden labels, as DKube's metrics.json.</summary>
    private const string Evaluate = """
        import json, os
        labels = open(os.path.join(os.environ["DKUBE_EVALUATION_DATA_DIR"], "labels.csv")).read().split()
        predictions = open(os.path.join(os.environ["DKUBE_SUBMISSION_DIR"], "predictions.csv")).read().split()
        right = sum(1 for l, p in zip(labels, predictions) if l == p)
        print("secret evaluation log: scored", right, "of", len(labels))
        with open(os.path.join(os.environ["DKUBE_OUTPUT_DIR"], "metrics.json"), "w") as f:
            json.dump({"metrics": [{"accuracy": right / len(labels)}, {"correct": right}], "sort": "accuracy"}, f)
        """;

    [Fact]
    public async Task Two_members_submit_three_models_and_the_board_ranks_their_best_while_the_evaluation_stays_hidden()
    {
        using var op = fixture.Operator;
        var (shared, hidden) = (fixture.UniqueName("lb"), fixture.UniqueName("lb-own"));
        (await op.Post("groups", new { name = shared, gpus = 2 })).Expect(HttpStatusCode.Created);
        (await op.Post("groups", new { name = hidden, gpus = 1 })).Expect(HttpStatusCode.Created);
        var (_, owner) = await UserAsync(op, shared, hidden);
        var (annName, ann) = await UserAsync(op, shared);
        var (benName, ben) = await UserAsync(op, shared);
        var (_, stranger) = await StrangerAsync(op);
        using var clients = new Clients(owner, ann, ben, stranger);
        using var git = new LocalGit();
        git.CommitAndPush("evaluate.py", Evaluate);

        var project = (await owner.Post("projects", new { name = "contest", group = shared, leaderboard = true })).Expect(HttpStatusCode.Created)["id"];
        var code = (await owner.Post("code", new { name = "scorer", url = git.Url, branch = "main", group = hidden })).Expect(HttpStatusCode.Created)["id"];
        var labels = (await owner.Post("datasets", new { name = "labels", group = hidden })).Expect(HttpStatusCode.Created)["id"];
        (await owner.Upload($"datasets/{labels}/versions", Archives.Tar(("labels.csv", "a\nb\na\nb\n")))).Expect(HttpStatusCode.Created);
        var openCode = (await owner.Post("code", new { name = "open-scorer", url = git.Url, branch = "main", group = shared })).Expect(HttpStatusCode.Created)["id"];

        // Code the members could read would show them the evaluation: refused.
        var notHidden = (await owner.Put($"projects/{project}/evaluation", new { code = new { repo = openCode }, command = "true" }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity);
        Assert.EndsWith("evaluation-not-hidden", notHidden["type"], StringComparison.Ordinal);
        var evaluation = new
        {
            code = new { repo = code },
            dataset = new { name = labels },
            command = "python3 code/evaluate.py",
            details = "Accuracy on four hidden labels.",
            dailyLimit = 2,
        };
        var set = (await owner.Put($"projects/{project}/evaluation", evaluation)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(1, set["dataset"]!["version"]!.GetValue<int>());

        // The evaluation, its code and its data are the owner's alone.
        (await ann.Get($"projects/{project}/evaluation")).ExpectProblem(HttpStatusCode.NotFound);
        (await ann.Put($"projects/{project}/evaluation", evaluation)).ExpectProblem(HttpStatusCode.NotFound);
        (await ann.Get($"datasets/{labels}")).ExpectProblem(HttpStatusCode.NotFound);
        (await ann.Get($"datasets/{labels}/versions/1/archive")).ExpectProblem(HttpStatusCode.NotFound);
        (await ann.Get($"code/{code}")).ExpectProblem(HttpStatusCode.NotFound);
        Assert.Equal("python3 code/evaluate.py", (await owner.Get($"projects/{project}/evaluation")).Expect(HttpStatusCode.OK)["command"]);

        // Three models: ann's two versions (3 of 4, then 4 of 4 right) and ben's one (2 of 4).
        var annModel = await ModelAsync(ann, "ann-model", "a\nb\nb\nb\n", "a\nb\na\nb\n");
        var benModel = await ModelAsync(ben, "ben-model", "a\na\na\na\n");
        var strangerModel = await ModelAsync(stranger, "secret-model", "a\nb\na\nb\n");

        var submitted = new[]
        {
            await SubmitAsync(ann, project, annModel, 1),
            await SubmitAsync(ben, project, benModel, 1),
            await SubmitAsync(ann, project, annModel, 2),
        };
        // A model the member cannot see is 404, as if it did not exist.
        (await ann.Post($"projects/{project}/submissions", new { model = new { name = strangerModel, version = 1 } })).ExpectProblem(HttpStatusCode.NotFound);

        var all = await Eventually.Until(() => owner.Get($"projects/{project}/submissions"),
            r => r.Items.Count == 3 && r.Items.All(s => s!["status"]!.ToString() != "Pending"), TimeSpan.FromMinutes(3), "the three submissions were scored");
        Assert.True(all.Items.All(s => s!["status"]!.ToString() == "Scored"), all.Text);
        Assert.Equal(submitted.Order(), all.Items.Select(s => s!["id"]!.ToString()).Order());

        // Members see their own submissions only, with status and metrics.
        var annOwn = (await ann.Get($"projects/{project}/submissions")).Expect(HttpStatusCode.OK).Items;
        Assert.Equal([0.75, 1.0], annOwn.Select(s => s!["metrics"]!["accuracy"]!.GetValue<double>()));
        (await ben.Get($"projects/{project}/submissions/{submitted[0]}")).ExpectProblem(HttpStatusCode.NotFound);

        // The board: ann's best (her second) above ben's.
        var board = (await ben.Get($"projects/{project}/leaderboard")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("accuracy", board["sort"]!.ToString());
        Assert.Equal("Maximize", board["direction"]!.ToString());
        Assert.Equal("Accuracy on four hidden labels.", board["details"]!.ToString());
        var items = board["items"]!.AsArray();
        Assert.Equal([annName, benName], items.Select(i => i!["user"]!.ToString()));
        Assert.Equal(submitted[2], items[0]!["best"]!["submission"]!.ToString());
        Assert.Equal([1.0, 0.5], items.Select(i => i!["best"]!["metrics"]!["accuracy"]!.GetValue<double>()));
        Assert.Equal([2, 1], items.Select(i => i!["submissions"]!.AsArray().Count));

        // The CSV says what the JSON says.
        var csv = (await ann.Get($"projects/{project}/leaderboard?format=csv")).Expect(HttpStatusCode.OK);
        Assert.StartsWith("text/csv", csv.ContentType, StringComparison.Ordinal);
        var rows = csv.Text.TrimEnd('\n').Split('\n').Select(l => l.Split(',')).ToList();
        Assert.Equal(["rank", "user", "submission", "at", "accuracy", "correct", "submissions"], rows[0]);
        Assert.Equal(items.Count, rows.Count - 1);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i]!;
            var best = item["best"]!;
            Assert.Equal([
                item["rank"]!.ToString(), item["user"]!.ToString(), best["submission"]!.ToString(),
                best["at"]!.GetValue<DateTimeOffset>().ToString("O", CultureInfo.InvariantCulture),
                best["metrics"]!["accuracy"]!.GetValue<double>().ToString("R", CultureInfo.InvariantCulture),
                best["metrics"]!["correct"]!.GetValue<double>().ToString("R", CultureInfo.InvariantCulture),
                item["submissions"]!.AsArray().Count.ToString(CultureInfo.InvariantCulture),
            ], rows[i + 1]);
        }

        // The evaluation runs and their logs are the owner's: members get 404 and never list them.
        var run = all.Items[0]!["run"]!.ToString();
        Assert.Contains("secret evaluation log", (await owner.Get($"runs/{run}/logs")).Expect(HttpStatusCode.OK).Text, StringComparison.Ordinal);
        (await ann.Get($"runs/{run}")).ExpectProblem(HttpStatusCode.NotFound);
        (await ann.Get($"runs/{run}/logs")).ExpectProblem(HttpStatusCode.NotFound);
        (await ann.Get($"runs/{run}/metrics")).ExpectProblem(HttpStatusCode.NotFound);
        (await ann.Post("runs", new { name = "peek", kind = "training", command = "true", cloneFrom = run })).ExpectProblem(HttpStatusCode.NotFound);
        foreach (var member in new[] { ann, ben })
        {
            var listed = (await member.Get($"runs?project={project}")).Expect(HttpStatusCode.OK).Items;
            Assert.Empty(listed);
        }

        Assert.Equal(3, (await owner.Get($"runs?project={project}")).Expect(HttpStatusCode.OK).Items.Count);

        // ann has made her two for today: 429 with the time she may submit again.
        var limited = (await ann.Post($"projects/{project}/submissions", new { model = new { name = annModel, version = 1 } }))
            .ExpectProblem(HttpStatusCode.TooManyRequests);
        Assert.EndsWith("submission-limit", limited["type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leaderboard_endpoints_need_a_leaderboard_project_the_caller_can_see()
    {
        using var op = fixture.Operator;
        var group = fixture.UniqueName("lb");
        (await op.Post("groups", new { name = group, gpus = 1 })).Expect(HttpStatusCode.Created);
        var (_, owner) = await UserAsync(op, group);
        var (_, stranger) = await StrangerAsync(op);
        using var clients = new Clients(owner, stranger);
        var plain = (await owner.Post("projects", new { name = "plain", group })).Expect(HttpStatusCode.Created)["id"];
        var board = (await owner.Post("projects", new { name = "board", group, leaderboard = true })).Expect(HttpStatusCode.Created)["id"];

        Assert.EndsWith("not-a-leaderboard", (await owner.Get($"projects/{plain}/leaderboard")).ExpectProblem(HttpStatusCode.Conflict)["type"], StringComparison.Ordinal);
        (await stranger.Get($"projects/{board}/leaderboard")).ExpectProblem(HttpStatusCode.NotFound);
        (await stranger.Post($"projects/{board}/submissions", new { model = new { name = "m", version = 1 } })).ExpectProblem(HttpStatusCode.NotFound);
        Assert.EndsWith("no-evaluation", (await owner.Post($"projects/{board}/submissions", new { model = new { name = await ModelAsync(owner, "m", "a\n"), version = 1 } }))
            .ExpectProblem(HttpStatusCode.Conflict)["type"], StringComparison.Ordinal);
        (await owner.Post($"projects/{board}/submissions", new { })).ExpectProblem(HttpStatusCode.BadRequest);
        (await owner.Get($"projects/{board}/leaderboard?format=xml")).ExpectProblem(HttpStatusCode.BadRequest);
        (await owner.Put($"projects/{board}/evaluation", new { command = "true" })).ExpectProblem(HttpStatusCode.BadRequest);
        var empty = (await owner.Get($"projects/{board}/leaderboard")).Expect(HttpStatusCode.OK).Json;
        Assert.Empty(empty["items"]!.AsArray());
        Assert.Equal("rank,user,submission,at,submissions\n", (await owner.Get($"projects/{board}/leaderboard?format=csv")).Expect(HttpStatusCode.OK).Text);
    }

    [Fact]
    public async Task Members_see_evaluation_runs_in_the_pool_view_and_feed_without_id_or_owner_while_the_owner_sees_them()
    {
        using var op = fixture.Operator;
        var (shared, hidden, cluster) = (fixture.UniqueName("lbp"), fixture.UniqueName("lbp-own"), fixture.UniqueName("lbp-gpu"));
        // One virtual GPU: the first evaluation runs on it, the second waits in the pool's queue.
        (await op.Post("clusters", new { name = cluster, kind = "local", nodes = new[] { new { name = "n1", gpus = 1 } } })).Expect(HttpStatusCode.Created);
        (await op.Post("groups", new { name = shared, gpus = 1, clusters = new[] { cluster } })).Expect(HttpStatusCode.Created);
        (await op.Post("groups", new { name = hidden, gpus = 1 })).Expect(HttpStatusCode.Created);
        var (ownerName, owner) = await UserAsync(op, shared, hidden);
        var (_, ann) = await UserAsync(op, shared);
        using var clients = new Clients(owner, ann);
        using var git = new LocalGit();
        git.CommitAndPush("evaluate.py", Evaluate);
        var project = (await owner.Post("projects", new { name = "pooled", group = shared, leaderboard = true })).Expect(HttpStatusCode.Created)["id"];
        var code = (await owner.Post("code", new { name = "scorer", url = git.Url, branch = "main", group = hidden })).Expect(HttpStatusCode.Created)["id"];
        (await owner.Put($"projects/{project}/evaluation", new { code = new { repo = code }, command = "sleep 600", gpus = 1 })).Expect(HttpStatusCode.OK);
        var (feed, response) = await Live.SseStream.OpenAsync(fixture.Server.Url, ann.Token, "pools,workloads");
        await using var _ = feed;
        using var __ = response;

        var model = await ModelAsync(ann, "ann-model", "a\n", "b\n");
        await SubmitAsync(ann, project, model, 1);
        await SubmitAsync(ann, project, model, 2);
        var runs = (await Eventually.Until(() => owner.Get($"projects/{project}/submissions"), r => r.Items.Count == 2 && r.Items.All(s => s!["run"] is not null),
            TimeSpan.FromMinutes(2), "both evaluation runs were created")).Items.Select(s => s!["run"]!.ToString()).ToList();

        // The owner (and the operator) see the pool as it is: one evaluation running, one waiting, theirs.
        var ownView = await Eventually.Until(() => owner.Get($"groups/{shared}/pool"),
            r => r.Json["running"]!.AsArray().Count == 1 && r.Json["queue"]!.AsArray().Count == 1, TimeSpan.FromMinutes(2), "one evaluation running and one queued");
        var entries = ownView.Json["running"]!.AsArray().Concat(ownView.Json["queue"]!.AsArray()).ToList();
        Assert.Equal(runs.Order(), entries.Select(e => e!["id"]!.ToString()).Order());
        Assert.All(entries, e => Assert.Equal(ownerName, e!["owner"]!.ToString()));
        var opView = (await op.Get($"groups/{shared}/pool")).Expect(HttpStatusCode.OK);
        Assert.Equal(runs.Order(), opView.Json["running"]!.AsArray().Concat(opView.Json["queue"]!.AsArray()).Select(e => e!["id"]!.ToString()).Order());

        // A member sees the same use (the GPU is taken, one waits) but neither the runs' ids nor their owner.
        var annView = (await ann.Get($"groups/{shared}/pool")).Expect(HttpStatusCode.OK);
        var dashboard = (await ann.Get("dashboard")).Expect(HttpStatusCode.OK);
        Assert.All(runs, run => Assert.DoesNotContain(run, annView.Text + dashboard.Text, StringComparison.Ordinal));
        var pools = dashboard.Json["pools"]!.AsArray().Where(p => p!["group"]!.ToString() == shared).Append(annView.Json).ToList();
        Assert.Equal(2, pools.Count);
        foreach (var pool in pools)
        {
            Assert.Equal(ownView.Json["used"]!.GetValue<int>(), pool!["used"]!.GetValue<int>());
            Assert.Single(pool["running"]!.AsArray());
            Assert.Single(pool["queue"]!.AsArray());
            Assert.All(pool["running"]!.AsArray().Concat(pool["queue"]!.AsArray()), e =>
            {
                Assert.Equal("", e!["id"]!.ToString());
                Assert.Equal("", e["owner"]!.ToString());
                Assert.Equal(1, e["gpus"]!.GetValue<int>());
            });
        }

        // The member's feed: the pool's figures agree with the owner's view, and no event names the runs or their owner.
        var figures = await feed.NextAsync(e => e.Event == "pools" && e.Json["group"]!.ToString() == shared
            && e.Json["used"]!.GetValue<int>() == 1 && e.Json["queued"]!.GetValue<int>() == 1, "the pool with one evaluation running and one waiting");
        Assert.Equal(ownView.Json["free"]!.GetValue<int>(), figures.Json["free"]!.GetValue<int>());
        foreach (var run in runs)
        {
            (await owner.Post($"runs/{run}/stop")).Expect(HttpStatusCode.OK);
        }

        await feed.NextAsync(e => e.Event == "pools" && e.Json["group"]!.ToString() == shared && e.Json["used"]!.GetValue<int>() == 0, "the pool freed");
        var seen = feed.Seen;
        Assert.All(seen, e => Assert.All(runs, run => Assert.DoesNotContain(run, e.Data, StringComparison.Ordinal)));
        Assert.DoesNotContain(seen, e => e.Event == "workloads" && e.Json["owner"]?.ToString() == ownerName);
    }

    /// <summary>A new user, member of <paramref name="groups"/>.</summary>
    private async Task<(string Name, ApiClient Client)> UserAsync(ApiClient op, params string[] groups)
    {
        var user = fixture.UniqueName("u");
        var token = (await op.Post("users", new { name = user })).Expect(HttpStatusCode.Created)["token"];
        foreach (var group in groups)
        {
            (await op.Put($"groups/{group}/members/{user}")).Expect(HttpStatusCode.OK);
        }

        return (user, new ApiClient(fixture.Server.Url, token));
    }

    /// <summary>A user in a group of their own, apart from the project's.</summary>
    private async Task<(string Name, ApiClient Client)> StrangerAsync(ApiClient op)
    {
        var group = fixture.UniqueName("other");
        (await op.Post("groups", new { name = group, gpus = 1 })).Expect(HttpStatusCode.Created);
        return await UserAsync(op, group);
    }

    /// <summary>Disposes the test's clients together.</summary>
    private sealed class Clients(params ApiClient[] clients) : IDisposable
    {
        public void Dispose()
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>A model with one uploaded version per predictions file; its id.</summary>
    private static async Task<string> ModelAsync(ApiClient user, string name, params string[] predictions)
    {
        var id = (await user.Post("models", new { name })).Expect(HttpStatusCode.Created)["id"];
        foreach (var file in predictions)
        {
            (await user.Upload($"models/{id}/versions", Archives.Tar(("predictions.csv", file)))).Expect(HttpStatusCode.Created);
        }

        return id;
    }

    private static async Task<string> SubmitAsync(ApiClient user, string project, string model, int version)
    {
        var accepted = (await user.Post($"projects/{project}/submissions", new { model = new { name = model, version } })).Expect(HttpStatusCode.Accepted);
        Assert.Equal("Pending", accepted["status"]);
        return accepted["id"];
    }
}
