using System.Net;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;

namespace DKube.Integration.Tests.Pipelines;

/// <summary>
/// Pipeline runs through real HTTP on a real server: corpus pipelines whose steps are plain shell
/// run end to end as real processes (under the server's per-user run accounts), their outputs
/// flowing from task to task; bad requests are 4xx; other groups see nothing; archive, delete and
/// recurring runs behave as API.md says.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class PipelineRunTests(LabFixture lab)
{
    [Fact]
    public async Task The_two_step_corpus_pipeline_passes_its_dataset_artifact_from_the_first_step_to_the_second()
    {
        using var alice = await lab.NewTenantAsync();
        var pipeline = await UploadAsync(alice, "two_step_pipeline_containerized.yaml");

        var created = (await alice.Client.Post("pipeline-runs", new { name = "two-step", pipeline, parameters = new { text = "Hello through HTTP" } }))
            .Expect(HttpStatusCode.Created).Json;
        var done = await FinalAsync(alice, created["id"]!.ToString());

        Assert.True(done["status"]!.ToString() == "Succeeded", done.ToJsonString());
        var tasks = done["tasks"]!.AsArray();
        Assert.Equal(["component1", "component2"], tasks.Select(t => t!["name"]!.ToString()));
        Assert.All(tasks, t => Assert.Equal("Succeeded", t!["status"]!.ToString()));
        var artifact = tasks[0]!["artifacts"]!["output_gcs"]!;
        Assert.Equal("system.Dataset", artifact["schemaTitle"]!.ToString());
        Assert.Equal(artifact["uri"]!.ToString(), tasks[1]!["inputArtifacts"]!["input_gcs"]!["uri"]!.ToString());
        // component2 is `cat` of the artifact component1 wrote.
        var log = (await alice.Client.Get($"runs/{tasks[1]!["run"]}/logs")).Expect(HttpStatusCode.OK).Text;
        Assert.Contains("Hello through HTTP", log, StringComparison.Ordinal);
        var child = (await alice.Client.Get($"runs/{tasks[0]!["run"]}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("pipeline-run", child["parent"]!["kind"]!.ToString());
        Assert.Equal(created["id"]!.ToString(), child["parent"]!["id"]!.ToString());
    }

    [Fact]
    public async Task The_three_step_pipeline_keeps_its_dataset_and_model_artifacts_as_versions_whose_lineage_names_the_run_and_task()
    {
        using var alice = await lab.NewTenantAsync();
        var pipeline = (await alice.Client.SendRaw(HttpMethod.Post, "pipelines?name=three-steps", PipelineSamples.ThreeSteps(), "application/yaml"))
            .Expect(HttpStatusCode.Created)["id"];
        var id = (await alice.Client.Post("pipeline-runs", new { name = "versions", pipeline, parameters = new { text = "kept as a version" } }))
            .Expect(HttpStatusCode.Created)["id"];
        var done = await FinalAsync(alice, id);
        Assert.True(done["status"]!.ToString() == "Succeeded", done.ToJsonString());

        var data = Task(done, "produce")["artifacts"]!["data"]!;
        var dataset = data["version"]!["repoId"]!.ToString();
        var number = data["version"]!["version"]!.GetValue<int>();
        var repo = (await alice.Client.Get($"datasets/{dataset}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(("three-steps-produce-data", alice.User), (repo["name"]!.ToString(), repo["owner"]!.ToString()));
        var version = (await alice.Client.Get($"datasets/{dataset}/versions/{number}")).Expect(HttpStatusCode.OK).Json;
        var lineage = version["lineage"]!;
        Assert.Equal(Task(done, "produce")["run"]!.ToString(), lineage["runId"]!.ToString());
        Assert.Equal(("pipeline-run", id, "produce"), (lineage["trigger"]!["kind"]!.ToString(), lineage["trigger"]!["id"]!.ToString(), lineage["trigger"]!["task"]!.ToString()));
        var files = await alice.Client.DownloadFiles($"datasets/{dataset}/versions/{number}/archive");
        Assert.Equal("kept as a version\nkept as a version\n", Assert.Single(files, f => f.Key == "data").Value);

        // consume read the version (materialized) and made a model version whose lineage names it.
        var model = Task(done, "consume")["artifacts"]!["model"]!["version"]!;
        var made = (await alice.Client.Get($"models/{model["repoId"]}/versions/{model["version"]}")).Expect(HttpStatusCode.OK).Json;
        Assert.Contains(made["lineage"]!["inputs"]!.AsArray(), v => v!["repoId"]!.ToString() == dataset && v["version"]!.GetValue<int>() == number);
        Assert.Equal("2\n lines; n=2\n", Task(done, "report")["outputs"]!["summary"]!.ToString());
        // Another group sees neither.
        using var bob = await lab.NewTenantAsync();
        (await bob.Client.Get($"datasets/{dataset}")).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_producer_consumer_corpus_pipeline_passes_an_output_parameter_and_a_second_run_is_cached()
    {
        using var alice = await lab.NewTenantAsync();
        var pipeline = await UploadAsync(alice, "producer_consumer_param_pipeline.yaml");

        var first = await FinalAsync(alice, (await alice.Client.Post("pipeline-runs", new { name = "pc", pipeline })).Expect(HttpStatusCode.Created)["id"]);

        Assert.True(first["status"]!.ToString() == "Succeeded", first.ToJsonString());
        var producer = Task(first, "producer");
        Assert.Equal("Hello world", producer["inputs"]!["input_text"]!.ToString());
        Assert.Equal("Hello world, this is an output parameter\n", producer["outputs"]!["output_value"]!.ToString());
        var consumer = Task(first, "consumer");
        Assert.Equal("Hello world, this is an output parameter\n", consumer["inputs"]!["input_value"]!.ToString());
        var log = (await alice.Client.Get($"runs/{consumer["run"]}/logs")).Expect(HttpStatusCode.OK).Text;
        Assert.Contains("Read from an input parameter: ", log, StringComparison.Ordinal);
        Assert.Contains("Hello world, this is an output parameter", log, StringComparison.Ordinal);

        // Same component, same inputs: KFP's cache answers both tasks, no run is made.
        var second = await FinalAsync(alice, (await alice.Client.Post("pipeline-runs", new { name = "pc-again", pipeline })).Expect(HttpStatusCode.Created)["id"]);
        Assert.Equal("Succeeded", second["status"]!.ToString());
        Assert.All(second["tasks"]!.AsArray(), t => Assert.Equal("Cached", t!["status"]!.ToString()));
        Assert.All(second["tasks"]!.AsArray(), t => Assert.Null(t!["run"]));
    }

    [Fact]
    public async Task The_exit_handler_corpus_pipeline_runs_its_exit_task_with_the_final_status_of_the_group()
    {
        using var alice = await lab.NewTenantAsync();
        var pipeline = await UploadAsync(alice, "pipeline_with_task_final_status_yaml.yaml");

        var done = await FinalAsync(alice, (await alice.Client.Post("pipeline-runs", new { name = "exit", pipeline, parameters = new { message = "bye" } }))
            .Expect(HttpStatusCode.Created)["id"]);

        Assert.True(done["status"]!.ToString() == "Succeeded", done.ToJsonString());
        Assert.Equal("Succeeded", Task(done, "exit-handler-1/print-op")["status"]!.ToString());
        var log = (await alice.Client.Get($"runs/{Task(done, "exit-op")["run"]}/logs")).Expect(HttpStatusCode.OK).Text;
        Assert.Contains("user input: bye pipeline status: {", log, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"SUCCEEDED\"", log, StringComparison.Ordinal);
        Assert.Contains("\"pipelineTaskName\":\"exit-handler-1\"", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_requests_are_4xx_other_groups_see_nothing_and_only_an_archived_run_is_deleted()
    {
        using var alice = await lab.NewTenantAsync();
        using var bob = await lab.NewTenantAsync();
        var pipeline = await UploadAsync(alice, "pipeline_with_after.yaml");

        var unknown = (await alice.Client.Post("pipeline-runs", new { name = "x", pipeline, parameters = new { nope = 1 } })).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("parameters.nope", unknown.Json["errors"]!.AsObject().Select(e => e.Key));
        (await alice.Client.Post("pipeline-runs", new { name = "x", pipeline = "pl-000000000000" })).ExpectProblem(HttpStatusCode.NotFound);
        (await alice.Client.Post("pipeline-runs", new { name = "Bad Name", pipeline })).ExpectProblem(HttpStatusCode.BadRequest);
        (await bob.Client.Post("pipeline-runs", new { name = "x", pipeline })).ExpectProblem(HttpStatusCode.NotFound);

        var id = (await alice.Client.Post("pipeline-runs", new { name = "after", pipeline })).Expect(HttpStatusCode.Created)["id"];
        (await bob.Client.Get($"pipeline-runs/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Post($"pipeline-runs/{id}/stop")).ExpectProblem(HttpStatusCode.NotFound);
        Assert.DoesNotContain((await bob.Client.Get("pipeline-runs")).Expect(HttpStatusCode.OK).Items, r => r!["id"]!.ToString() == id);
        var done = await FinalAsync(alice, id);
        Assert.True(done["status"]!.ToString() == "Succeeded", done.ToJsonString());
        // print-text-3 runs after the other two only through dependentTasks (no data edges).
        Assert.Equal(["print-text", "print-text-2", "print-text-3"], done["tasks"]!.AsArray().Select(t => t!["name"]!.ToString()).Order(StringComparer.Ordinal));
        Assert.Contains(
            (await alice.Client.Get("pipeline-runs")).Expect(HttpStatusCode.OK).Items,
            r => r!["id"]!.ToString() == id && r["status"]!.ToString() == "Succeeded");

        (await alice.Client.Delete($"pipeline-runs/{id}")).ExpectProblem(HttpStatusCode.Conflict);
        (await alice.Client.Post($"pipeline-runs/{id}/retry")).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("true", (await alice.Client.Post($"pipeline-runs/{id}/archive")).Expect(HttpStatusCode.OK).Json["archived"]!.ToString());
        (await alice.Client.Delete($"pipeline-runs/{id}")).Expect(HttpStatusCode.NoContent);
        (await alice.Client.Get($"pipeline-runs/{id}")).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_recurring_run_fires_on_its_interval_into_its_experiment_and_stops_when_disabled()
    {
        using var alice = await lab.NewTenantAsync();
        var pipeline = await UploadAsync(alice, "pipeline_with_after.yaml");
        var experiment = (await alice.Client.Post("experiments", new { name = "nightly" })).Expect(HttpStatusCode.Created)["id"];
        var bad = (await alice.Client.Post("recurring-runs", new { name = "bad", pipeline, experiment, trigger = new { cron = "0 0 25 * * *" } }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("trigger.cron", bad.Json["errors"]!.AsObject().Select(e => e.Key));

        var id = (await alice.Client.Post("recurring-runs", new { name = "often", pipeline, experiment, trigger = new { intervalSeconds = 2 }, maxConcurrency = 1 }))
            .Expect(HttpStatusCode.Created)["id"];
        var fired = await Eventually.Until(
            async () => (await alice.Client.Get($"recurring-runs/{id}")).Expect(HttpStatusCode.OK).Json,
            v => v["triggered"]!.GetValue<int>() >= 1,
            TimeSpan.FromSeconds(120),
            "the first tick's run");
        var disabled = (await alice.Client.Post($"recurring-runs/{id}/disable")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("Disabled", disabled["status"]!.ToString());
        var triggered = disabled["triggered"]!.GetValue<int>();
        Assert.True(triggered >= fired["triggered"]!.GetValue<int>());
        var made = (await alice.Client.Get("pipeline-runs?limit=500")).Expect(HttpStatusCode.OK).Items
            .Where(r => r!["recurringRun"]?.ToString() == id).Select(r => r!["id"]!.ToString()).ToList();
        Assert.Equal(triggered, made.Count);
        foreach (var run in made)
        {
            Assert.Equal(experiment, (await Json(alice, run))["experiment"]!.ToString());
        }

        // Archiving the experiment archives the runs made in it; the disabled schedule makes no more.
        (await alice.Client.Post($"experiments/{experiment}/archive")).Expect(HttpStatusCode.OK);
        foreach (var run in made)
        {
            Assert.Equal("true", (await Json(alice, run))["archived"]!.ToString());
        }
        Assert.Equal(triggered, (await alice.Client.Get($"recurring-runs/{id}")).Expect(HttpStatusCode.OK).Json["triggered"]!.GetValue<int>());
    }

    private static async Task<JsonNode> Json(Tenant tenant, string run) => (await tenant.Client.Get($"pipeline-runs/{run}")).Expect(HttpStatusCode.OK).Json;

    private static JsonNode Task(JsonNode run, string name) => run["tasks"]!.AsArray().Single(t => t!["name"]!.ToString() == name)!;

    private static async Task<string> UploadAsync(Tenant tenant, string file) =>
        (await tenant.Client.SendRaw(HttpMethod.Post, $"pipelines?name={Path.GetFileNameWithoutExtension(file).Replace('_', '-')}", KfpFiles.Read(file), "application/yaml"))
            .Expect(HttpStatusCode.Created)["id"];

    private static Task<JsonNode> FinalAsync(Tenant tenant, string id) =>
        Eventually.Until(
            async () => (await tenant.Client.Get($"pipeline-runs/{id}")).Expect(HttpStatusCode.OK).Json,
            v => v["status"]!.ToString() is "Succeeded" or "Failed" or "Canceled",
            TimeSpan.FromSeconds(120),
            $"pipeline run {id} ended");
}
