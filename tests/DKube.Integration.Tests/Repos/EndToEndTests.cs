using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Repos;

/// <summary>
/// The scenario through HTTP with real processes and a real git: a dataset version feeds
/// a preprocessing run that writes a featureset version, which feeds training runs that write
/// model versions; lineage leads back to the code commit and the uploaded dataset.
/// </summary>
[Collection(RepoCollection.Name)]
public sealed class EndToEndTests(RepoFixture fixture)
{
    [Fact]
    public async Task Dataset_to_featureset_to_model_with_lineage_publish_and_compare()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using var git = new LocalGit();
        using (alice)
        {
            var commit = git.CommitAndPush("prep.sh", "tr a-z A-Z < in/data.csv > \"$DKUBE_OUTPUT_DIR/features.csv\"\n");
            var code = (await alice.Post("code", new { name = "pipeline", url = git.Url, branch = "main" })).Expect(HttpStatusCode.Created)["id"];
            var raw = (await alice.Post("datasets", new { name = "raw" })).Expect(HttpStatusCode.Created)["id"];
            (await alice.Upload($"datasets/{raw}/versions", Archives.Tar(("data.csv", "a,b\n1,2\n")))).Expect(HttpStatusCode.Created);
            var features = (await alice.Post("featuresets", new { name = "features", featureSpec = "- name: a\n  description: first column\n  schema: int32\n" })).Expect(HttpStatusCode.Created)["id"];
            var model = (await alice.Post("models", new { name = "clf" })).Expect(HttpStatusCode.Created)["id"];

            var prep = (await alice.Post("runs", new
            {
                name = "prep",
                kind = "preprocessing",
                code = new { repo = "pipeline" },
                command = "sh code/prep.sh && cat featureset-spec.yaml",
                inputs = new { datasets = new[] { new { name = "raw", mountPath = "in" } } },
                output = new { featureset = "features" },
                gpus = 0,
            })).Expect(HttpStatusCode.Created).Json;
            Assert.Equal(commit, prep["spec"]!["code"]!["commit"]!.ToString());
            var prepId = prep["id"]!.ToString();
            var prepDone = await Eventually.Until(() => alice.Get($"runs/{prepId}"), r => r["status"] is "Complete" or "Failed" or "Error");
            Assert.True(prepDone["status"] == "Complete", prepDone.Text + (await alice.Get($"runs/{prepId}/logs")).Text);
            Assert.Equal(1, prepDone.Json["outputVersion"]!.GetValue<int>());
            Assert.Contains("description: \"first column\"", (await alice.Get($"runs/{prepId}/logs")).Text, StringComparison.Ordinal);
            Assert.Equal("A,B\n1,2\n", (await alice.DownloadFiles($"featuresets/{features}/versions/1/archive"))["features.csv"]);

            var first = await TrainAsync(alice, "train-1", "0.1", "0.80");
            var second = await TrainAsync(alice, "train-2", "0.01", "0.93");

            // The model version's lineage names both runs, the code commit and the dataset version.
            var graph = (await alice.Get($"models/{model}/versions/1/lineage")).Expect(HttpStatusCode.OK).Json;
            var runs = graph["edges"]!.AsArray().Select(e => e!["run"]!.ToString()).ToHashSet();
            Assert.Equal(new HashSet<string> { prepId, first }, runs);
            var nodes = graph["nodes"]!.AsArray();
            var dataset = nodes.Single(n => n!["repoId"]!.ToString() == raw)!;
            Assert.Equal(1, dataset["version"]!.GetValue<int>());
            Assert.True(dataset["uploaded"]!.GetValue<bool>());
            Assert.Contains(prepId, dataset["usedBy"]!.AsArray().Select(r => r!.ToString()));
            var featureNode = nodes.Single(n => n!["repoId"]!.ToString() == features)!;
            Assert.Equal(commit, featureNode["lineage"]!["commit"]!.ToString());
            Assert.Equal(code, featureNode["lineage"]!["codeRepo"]!.ToString());
            var modelNode = nodes.Single(n => n!["repoId"]!.ToString() == model)!;
            Assert.Equal(first, modelNode["lineage"]!["runId"]!.ToString());
            Assert.Equal("0.1", modelNode["lineage"]!["hyperparameters"]!["lr"]!.ToString());

            // Publish the better model and compare it with the earlier version.
            (await alice.Post($"models/{model}/versions/2/publish", new { servingImage = "registry.example.com/serving/sklearn:1" })).Expect(HttpStatusCode.OK);
            var comparison = (await alice.Get($"models/{model}/compare?versions=1,2")).Expect(HttpStatusCode.OK).Json;
            Assert.Equal(["Development", "Published"], comparison["versions"]!.AsArray().Select(v => v!["stage"]!.ToString()));
            Assert.Equal(["0.1", "0.01"], comparison["hyperparameters"]!["lr"]!.AsArray().Select(v => v!.ToString()));
            Assert.Equal([0.80, 0.93], comparison["metrics"]!["accuracy"]!.AsArray().Select(v => v!.GetValue<double>()));
            Assert.Equal(second, (await alice.Get($"models/{model}/versions/2")).Expect(HttpStatusCode.OK)["run"]);
        }
    }

    [Fact]
    public async Task A_failed_run_writes_no_version_and_inputs_must_be_visible()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        var (_, _, bob) = await fixture.NewTenantAsync();
        using (alice)
        using (bob)
        {
            var data = (await alice.Post("datasets", new { name = "private-data" })).Expect(HttpStatusCode.Created)["id"];
            (await alice.Upload($"datasets/{data}/versions", Archives.Tar(("x.txt", "x")))).Expect(HttpStatusCode.Created);
            (await bob.Post("runs", new { name = "peek", kind = "training", command = "true", inputs = new { datasets = new[] { new { name = data, mountPath = "d" } } } }))
                .ExpectProblem(HttpStatusCode.NotFound);

            var model = (await alice.Post("models", new { name = "never" })).Expect(HttpStatusCode.Created)["id"];
            var failing = (await alice.Post("runs", new { name = "fails", kind = "training", command = "echo partial > \"$DKUBE_OUTPUT_DIR/m\"; exit 1", output = new { model = "never" } }))
                .Expect(HttpStatusCode.Created)["id"];
            await Eventually.Until(() => alice.Get($"runs/{failing}"), r => r["status"] == "Failed");
            Assert.Empty((await alice.Get($"models/{model}/versions")).Items);
        }
    }

    private static async Task<string> TrainAsync(ApiClient alice, string name, string learningRate, string accuracy)
    {
        var id = (await alice.Post("runs", new
        {
            name,
            kind = "training",
            command = $"cp feat/features.csv \"$DKUBE_OUTPUT_DIR/model.txt\"; echo '{{\"accuracy\":{accuracy}}}' >> \"$DKUBE_METRICS_FILE\"",
            inputs = new { featuresets = new[] { new { name = "features", mountPath = "feat" } } },
            output = new { model = "clf" },
            hyperparameters = new { lr = learningRate },
        })).Expect(HttpStatusCode.Created)["id"];
        var done = await Eventually.Until(() => alice.Get($"runs/{id}"), r => r["status"] is "Complete" or "Failed" or "Error");
        Assert.True(done["status"] == "Complete", done.Text + (await alice.Get($"runs/{id}/logs")).Text);
        return id;
    }
}
