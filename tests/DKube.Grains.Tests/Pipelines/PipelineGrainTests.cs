using DKube.Abstractions.Errors;
using DKube.Abstractions.Pipelines;
using DKube.Grains.Tests.Infrastructure;

namespace DKube.Grains.Tests.Pipelines;

/// <summary>A pipeline's versions are validated before they are stored and survive the grain's deactivation.</summary>
[Collection(GrainCollection.Name)]
public sealed class PipelineGrainTests(GrainClusterFixture fixture)
{
    private const string Valid = """
        pipelineInfo: {name: ok}
        deploymentSpec: {executors: {exec-a: {container: {image: alpine, command: [echo, hi]}}}}
        components: {comp-a: {executorLabel: exec-a}}
        root: {dag: {tasks: {a: {componentRef: {name: comp-a}}, b: {componentRef: {name: comp-a}, dependentTasks: [a]}}}}
        """;

    private const string Cyclic = """
        pipelineInfo: {name: cyclic}
        deploymentSpec: {executors: {exec-a: {container: {image: alpine, command: [echo, hi]}}}}
        components: {comp-a: {executorLabel: exec-a}}
        root: {dag: {tasks: {a: {componentRef: {name: comp-a}, dependentTasks: [b]}, b: {componentRef: {name: comp-a}, dependentTasks: [a]}}}}
        """;

    [Fact]
    public async Task A_bad_version_is_refused_with_its_problems_and_leaves_the_stored_versions_alone()
    {
        var id = GrainClusterFixture.NewKey("pl");
        var grain = fixture.Grains.GetGrain<IPipelineGrain>(id);
        await grain.Create(GrainClusterFixture.NewKey("name"), "alice", "g", null, Valid);

        var error = await Assert.ThrowsAsync<DomainException>(() => grain.AddVersion(Cyclic));

        Assert.Equal(ErrorKind.Unprocessable, error.Kind);
        Assert.Equal("invalid-pipeline", error.Code);
        Assert.Contains("cycle: a -> b -> a", Assert.Single(error.Errors!["root.dag.tasks"]), StringComparison.Ordinal);
        await fixture.DeactivateAsync(grain);
        var view = await grain.Get();
        Assert.Equal(["v1"], view!.Versions.Select(v => v.Id));
    }

    [Fact]
    public async Task Versions_and_their_yaml_survive_deactivation()
    {
        var grain = fixture.Grains.GetGrain<IPipelineGrain>(GrainClusterFixture.NewKey("pl"));
        await grain.Create(GrainClusterFixture.NewKey("name"), "alice", "g", "d", Valid);
        await grain.AddVersion(Valid.Replace("name: ok", "name: ok2", StringComparison.Ordinal));

        await fixture.DeactivateAsync(grain);

        var latest = await grain.GetSource(null);
        Assert.Equal("v2", latest.Version.Id);
        Assert.Equal("ok2", latest.Version.PipelineName);
        Assert.Equal(Valid, (await grain.GetSource("v1")).Yaml);
        Assert.Equal([new PipelineGraphEdgeView("a", "b")], latest.Graph.Edges);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => grain.GetSource("v3"))).Kind);
    }

    [Fact]
    public async Task An_experiment_is_deleted_only_when_archived()
    {
        var grain = fixture.Grains.GetGrain<IExperimentGrain>(GrainClusterFixture.NewKey("ex"));
        await grain.Create(GrainClusterFixture.NewKey("name"), "alice", "g", null, null);

        Assert.Equal(ErrorKind.Conflict, (await Assert.ThrowsAsync<DomainException>(() => grain.Delete())).Kind);
        Assert.Equal(ErrorKind.Conflict, (await Assert.ThrowsAsync<DomainException>(() => grain.SetContributor("alice", ExperimentAccess.Viewer))).Kind);
        var shared = await grain.SetContributor("bob", ExperimentAccess.Editor);
        Assert.Equal(ExperimentAccess.Editor, shared.AccessOf("bob"));
        await grain.Archive();
        await fixture.DeactivateAsync(grain);
        Assert.Equal(ExperimentView.Archived, (await grain.Get())!.Status);

        await grain.Delete();

        Assert.Null(await grain.Get());
    }
}
