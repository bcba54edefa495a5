using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Pipelines;

/// <summary>Uploading compiled KFP v2 YAML through real HTTP: accepted with its graph, or a 422 saying what is wrong.</summary>
[Collection(PipelineCollection.Name)]
public sealed class PipelineUploadTests(LabFixture lab)
{
    private const string Step = """
        pipelineInfo: {name: broken}
        deploymentSpec:
          executors:
            exec-step: {container: {image: alpine, command: [echo, hi]}}
        components:
          comp-step:
            executorLabel: exec-step
            outputDefinitions: {parameters: {y: {parameterType: STRING}}}
            inputDefinitions: {parameters: {x: {parameterType: STRING, isOptional: true}}}
        root:
          dag:
            tasks:

        """;

    [Fact]
    public async Task Every_corpus_pipeline_is_accepted_with_a_graph_of_its_tasks()
    {
        using var tenant = await lab.NewTenantAsync();
        foreach (var file in KfpFiles.Names())
        {
            var name = Path.GetFileNameWithoutExtension(file).Replace('_', '-');
            var created = (await tenant.Client.SendRaw(HttpMethod.Post, $"pipelines?name={name}", KfpFiles.Read(file), "application/yaml"))
                .Expect(HttpStatusCode.Created).Json;
            Assert.Equal("v1", created["versions"]![0]!["id"]!.ToString());
            Assert.NotEmpty(created["graph"]!["nodes"]!.AsArray());
        }

        var listed = (await tenant.Client.Get("pipelines?limit=50")).Expect(HttpStatusCode.OK).Items;
        Assert.Equal(KfpFiles.Names().Count(), listed.Count);
    }

    [Fact]
    public async Task A_version_is_added_read_back_as_uploaded_and_hidden_from_other_groups()
    {
        using var alice = await lab.NewTenantAsync();
        using var bob = await lab.NewTenantAsync();
        var yaml = KfpFiles.Read("two_step_pipeline_containerized.yaml");
        var id = (await alice.Client.SendRaw(HttpMethod.Post, "pipelines?name=two-step&description=first", yaml, "application/yaml")).Expect(HttpStatusCode.Created)["id"];
        var graph = (await alice.Client.Get($"pipelines/{id}")).Expect(HttpStatusCode.OK).Json["graph"]!;
        Assert.Equal(["component1", "component2"], graph["nodes"]!.AsArray().Select(n => n!["id"]!.ToString()));
        Assert.Equal("component1", graph["edges"]![0]!["from"]!.ToString());

        var second = (await alice.Client.SendRaw(HttpMethod.Post, $"pipelines/{id}/versions", KfpFiles.Read("pipeline_with_after.yaml"), "application/yaml"))
            .Expect(HttpStatusCode.Created).Json;
        Assert.Equal(["v1", "v2"], second["versions"]!.AsArray().Select(v => v!["id"]!.ToString()));
        Assert.Equal(yaml, (await alice.Client.Get($"pipelines/{id}/versions/v1")).Expect(HttpStatusCode.OK)["yaml"]);
        (await alice.Client.Get($"pipelines/{id}/versions/v9")).ExpectProblem(HttpStatusCode.NotFound);

        (await bob.Client.Get($"pipelines/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.SendRaw(HttpMethod.Post, $"pipelines/{id}/versions", yaml, "application/yaml")).ExpectProblem(HttpStatusCode.NotFound);
        (await alice.Client.SendRaw(HttpMethod.Post, "pipelines?name=two-step", yaml, "application/yaml")).ExpectProblem(HttpStatusCode.Conflict);
        (await alice.Client.SendRaw(HttpMethod.Post, "pipelines?name=json", "{}", "application/json")).ExpectProblem(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("      a: {componentRef: {name: comp-step}, dependentTasks: [b]}\n      b: {componentRef: {name: comp-step}, dependentTasks: [a]}\n", "root.dag.tasks", "cycle")]
    [InlineData("      a: {componentRef: {name: comp-gone}}\n", "root.dag.tasks.a.componentRef.name", "missing")]
    [InlineData("      a: {componentRef: {name: comp-step}}\n      b: {componentRef: {name: comp-step}, inputs: {parameters: {x: {taskOutputParameter: {producerTask: a, outputParameterKey: y}}}}}\n", "root.dag.tasks.b.inputs.parameters.x", "not upstream")]
    [InlineData("      a: {componentRef: {name: comp-step}\n", "$", "not YAML")]
    public async Task Bad_yaml_is_a_422_that_says_what_is_wrong_and_where(string tasks, string path, string words)
    {
        using var tenant = await lab.NewTenantAsync();

        var problem = (await tenant.Client.SendRaw(HttpMethod.Post, "pipelines?name=broken", Step + tasks, "application/yaml"))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity).Json;

        Assert.EndsWith("invalid-pipeline", problem["type"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains(words, problem["detail"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains(words, problem["errors"]![path]![0]!.ToString(), StringComparison.Ordinal);
    }
}
