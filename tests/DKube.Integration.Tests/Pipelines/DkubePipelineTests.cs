using System.Net;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;
using DKube.Integration.Tests.Serving;

namespace DKube.Integration.Tests.Pipelines;

/// <summary>
/// DKube's own pipeline steps end to end over real HTTP on the embedded default: a compiled
/// pipeline of DKube's preprocessing, training and serving components, whose programs come from a
/// real git repository; preprocessing makes a dataset version, training (real sklearn) a model
/// version, and serving a deployment of that version that answers a predict through the gateway.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class DkubePipelineTests(ServingFixture fixture)
{
    // Both read and write their DKube mounts under the working folder ($DKUBE_WORK_DIR/opt/dkube/...).
    private const string Prep = """
        import os
        root = os.environ.get("DKUBE_WORK_DIR", "")
        rows = open(root + "/opt/dkube/input/rows.txt").read().split()
        with open(root + "/opt/dkube/output/rows.csv", "w") as out:
            for row in rows:
                out.write(",".join(row) + "\n")
        print("prepared", len(rows), "rows")
        """;

    private const string Train = """
        import os, joblib
        from sklearn.linear_model import LogisticRegression
        root = os.environ.get("DKUBE_WORK_DIR", "")
        rows = [[int(v) for v in line.split(",")] for line in open(root + "/opt/dkube/input/rows.csv").read().split()]
        model = LogisticRegression(max_iter=int(os.environ["EPOCHS"]) * 20).fit([r[:2] for r in rows], [r[2] for r in rows])
        joblib.dump(model, root + "/opt/dkube/output/model.joblib")
        print("trained on", len(rows), "rows")
        """;

    [Fact]
    public async Task Preprocessing_training_and_serving_steps_make_versions_and_a_deployment_that_answers_through_the_gateway()
    {
        using var alice = await fixture.NewTenantAsync();
        using var git = new LocalGit();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        git.CommitAndPush("prep.py", Prep);
        var commit = git.CommitAndPush("train.py", Train);
        (await alice.Client.Post("code", new { name = "dk-code", url = git.Url, branch = "main" })).Expect(HttpStatusCode.Created);
        var raw = (await alice.Client.Post("datasets", new { name = "points" })).Expect(HttpStatusCode.Created)["id"];
        // y = x0: "x0 x1 y" per word.
        (await alice.Client.Upload($"datasets/{raw}/versions", Archives.Tar(("rows.txt", "000 111 010 101 000 111\n")))).Expect(HttpStatusCode.Created);
        var clean = (await alice.Client.Post("datasets", new { name = "points-csv" })).Expect(HttpStatusCode.Created)["id"];
        var model = (await alice.Client.Post("models", new { name = "xor-not" })).Expect(HttpStatusCode.Created)["id"];
        var yaml = PipelineSamples.DkubeTrainServe("dk-code", "points", "points-csv", "xor-not",
            "/usr/bin/python3 prep.py", "/usr/bin/python3 train.py", """{"image": "ocdr/sklearnserver:0.23.2"}""");

        var uploaded = (await alice.Client.SendRaw(HttpMethod.Post, "pipelines?name=dkube-steps", yaml, "application/yaml")).Expect(HttpStatusCode.Created).Json;
        Assert.Equal(["dkube-preprocessing", "dkube-serving", "dkube-training"],
            uploaded["graph"]!["nodes"]!.AsArray().Select(n => n!["kind"]!.ToString()).Order(StringComparer.Ordinal));
        var id = (await alice.Client.Post("pipeline-runs", new { name = "dk", pipeline = uploaded["id"]!.ToString() })).Expect(HttpStatusCode.Created)["id"];
        var done = (await Eventually.Until(() => alice.Client.Get($"pipeline-runs/{id}"),
            r => r["status"] is "Succeeded" or "Failed" or "Canceled", TimeSpan.FromMinutes(5), "the pipeline run ended")).Json;

        if (done["status"]!.ToString() != "Succeeded")
        {
            var failed = done["tasks"]!.AsArray().First(t => t!["status"]!.ToString() == "Failed")!;
            var log = failed["run"] is { } run ? (await alice.Client.Get($"runs/{run}/logs")).Text : "(no run)";
            Assert.Fail($"{done.ToJsonString()}\n{failed["name"]}'s log:\n{log}");
        }

        var training = Task(done, "dkube-training");
        var trainingRun = (await alice.Client.Get($"runs/{training["run"]}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(("training", "pipeline-run", id), (trainingRun["kind"]!.ToString(), trainingRun["parent"]!["kind"]!.ToString(), trainingRun["parent"]!["id"]!.ToString()));
        Assert.Equal(commit, trainingRun["spec"]!["code"]!["commit"]!.ToString());
        Assert.Contains("trained on 6 rows", (await alice.Client.Get($"runs/{training["run"]}/logs")).Text, StringComparison.Ordinal);
        Assert.Equal("0,0,0\n1,1,1\n0,1,0\n1,0,1\n0,0,0\n1,1,1\n", (await alice.Client.DownloadFiles($"datasets/{clean}/versions/1/archive"))["rows.csv"]);
        var made = (await alice.Client.Get($"models/{model}/versions/1")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(training["run"]!.ToString(), made["lineage"]!["runId"]!.ToString());
        Assert.Equal(("pipeline-run", id), (made["lineage"]!["trigger"]!["kind"]!.ToString(), made["lineage"]!["trigger"]!["id"]!.ToString()));
        Assert.Contains(made["lineage"]!["inputs"]!.AsArray(), v => v!["repoId"]!.ToString() == clean && v["version"]!.GetValue<int>() == 1);

        // The serving step's deployment: the version training made, a child of the pipeline run, answering.
        var serving = Task(done, "dkube-serving");
        var deployment = serving["deployment"]!.ToString();
        var view = (await alice.Client.Get($"deployments/{deployment}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(("Running", 1, "pipeline-run"), (view["status"]!.ToString(), view["model"]!["version"]!.GetValue<int>(), view["parent"]!["kind"]!.ToString()));
        Assert.Equal($"/serve/{deployment}", serving["outputs"]!["servingurl"]!.ToString());
        var (status, body, _) = await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Post,
            $"/serve/{deployment}/v1/models/{view["name"]}:predict", """{"instances": [[1, 0], [0, 1]]}""");
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal([1, 0], JsonNode.Parse(body)!["predictions"]!.AsArray().Select(p => p!.GetValue<int>()));
        (await alice.Client.Delete($"deployments/{deployment}")).Expect(HttpStatusCode.NoContent);
    }

    private static JsonNode Task(JsonNode run, string name) => run["tasks"]!.AsArray().Single(t => t!["name"]!.ToString() == name)!;
}
