using System.Net;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Pipelines;

/// <summary>
/// A three-step pipeline through real HTTP, its server restarted (same data folder and database)
/// while the middle step runs: the walk resumes on the new server, every task's run is made once
/// and runs once (attempt 1), and the parameter and the dataset artifact still flow to the end.
/// </summary>
public sealed class PipelineRestartTests
{
    /// <summary>
    /// The three-step pipeline whose consume waits at the gate: a file the test makes once the second
    /// server is up, so consume is certainly running across the restart.
    /// </summary>
    private static readonly string ThreeSteps = PipelineSamples.ThreeSteps(gate: true);

    [Fact]
    public async Task A_three_step_run_survives_a_server_restart_mid_dag_with_no_task_lost_or_run_twice()
    {
        var dataDir = ServerHandle.NewDataDir();
        var database = await SharedPostgres.NewDatabaseAsync();
        // Only its existence is read (by a run account): the folder /tmp is searchable by all.
        var gate = Path.Combine(Path.GetTempPath(), $"dkube-gate-{Guid.NewGuid():N}");
        try
        {
            string token, id;
            await using (var first = await ServerHandle.StartAsync(database, dataDir))
            {
                using var op = new ApiClient(first.Url, ServerHandle.OperatorToken);
                (await op.Post("clusters", new { name = "box", kind = "local", nodes = new[] { new { name = "n1", gpus = 1 } } })).Expect(HttpStatusCode.Created);
                (await op.Post("groups", new { name = "team", gpus = 1, clusters = new[] { "box" } })).Expect(HttpStatusCode.Created);
                token = (await op.Post("users", new { name = "ada" })).Expect(HttpStatusCode.Created)["token"];
                (await op.Put("groups/team/members/ada")).Expect(HttpStatusCode.OK);
                using var ada = op.As(token);
                var pipeline = (await ada.SendRaw(HttpMethod.Post, "pipelines?name=three-steps", ThreeSteps, "application/yaml")).Expect(HttpStatusCode.Created)["id"];
                id = (await ada.Post("pipeline-runs", new { name = "across", pipeline, parameters = new { text = "across a restart", gate } })).Expect(HttpStatusCode.Created)["id"];
                await ConsumeRunningAsync(ada, id);
            }

            await using var second = await ServerHandle.StartAsync(database, dataDir);
            using var again = new ApiClient(second.Url, token);
            await ConsumeRunningAsync(again, id);
            await File.WriteAllTextAsync(gate, "");

            var done = await Eventually.Until(
                async () => (await again.Get($"pipeline-runs/{id}")).Expect(HttpStatusCode.OK).Json,
                v => v["status"]!.ToString() is "Succeeded" or "Failed" or "Canceled",
                TimeSpan.FromSeconds(120),
                $"pipeline run {id} ended");

            Assert.True(done["status"]!.ToString() == "Succeeded", done.ToJsonString());
            var tasks = done["tasks"]!.AsArray().Select(t => t!).ToList();
            Assert.Equal(["consume", "produce", "report"], tasks.Select(t => t["name"]!.ToString()).Order(StringComparer.Ordinal));
            foreach (var task in tasks)
            {
                // One record, one run, one attempt of that run: neither re-created nor restarted.
                Assert.Equal(1, task["attempt"]!.GetValue<int>());
                var run = (await again.Get($"runs/{task["run"]}")).Expect(HttpStatusCode.OK).Json;
                Assert.Equal("Complete", run["status"]!.ToString());
                Assert.Equal(1, run["attempt"]!.GetValue<int>());
                Assert.Equal(id, run["parent"]!["id"]!.ToString());
            }

            var data = Task(done, "produce")["artifacts"]!["data"]!;
            Assert.Equal("system.Dataset", data["schemaTitle"]!.ToString());
            Assert.Equal(data["uri"]!.ToString(), Task(done, "consume")["inputArtifacts"]!["data"]!["uri"]!.ToString());
            Assert.Equal("2", Task(done, "consume")["inputs"]!["n"]!.ToString());
            Assert.Equal("2\n lines; n=2\n", Task(done, "report")["outputs"]!["summary"]!.ToString());
        }
        finally
        {
            File.Delete(gate);
            RunProcesses.KillAll(dataDir);
            SharedPostgres.TryDelete(dataDir);
        }
    }

    private static Task<JsonNode> ConsumeRunningAsync(ApiClient client, string id) =>
        Eventually.Until(
            async () => (await client.Get($"pipeline-runs/{id}")).Expect(HttpStatusCode.OK).Json,
            v => v["tasks"]!.AsArray().Any(t => t!["name"]!.ToString() == "consume" && t["status"]!.ToString() == "Running"),
            TimeSpan.FromSeconds(120),
            "consume running");

    private static JsonNode Task(JsonNode run, string name) => run["tasks"]!.AsArray().Single(t => t!["name"]!.ToString() == name)!;
}
