using DKube.Abstractions.Pipelines;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Tests.Serving;
using DKube.Grains.Tests.Workloads;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Grains.Tests.Pipelines;

/// <summary>
/// A pipeline of DKube's own steps on the grains with real processes: preprocessing and training
/// run as DKube runs of their kind (inputs by their owner's names at their mount paths, each
/// making the next version of its output repository, lineage naming the pipeline run), and
/// serving makes a deployment of the version training made, whose readiness (an event) ends the task.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class DkubeStepRunTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task Preprocessing_and_training_run_as_dkube_runs_making_versions_and_serving_deploys_the_trained_version()
    {
        var serving = await DeploymentWorld.CreateAsync(fixture);
        var world = serving.Workloads;
        var owner = GrainClusterFixture.NewKey("u");
        await fixture.Grains.GetGrain<IUserGrain>(owner).Create(["data-scientist"]);
        await fixture.Grains.GetGrain<IGroupGrain>(world.Group).AddMember(owner);
        var raw = await world.RepoAsync(fixture, RepoKind.Dataset, owner, [("rows.txt", "a\nb\n")]);
        var clean = await world.RepoAsync(fixture, RepoKind.Dataset, owner);
        var model = await world.RepoAsync(fixture, RepoKind.Model, owner);
        // The steps read and write their mounts under the working folder (DKube's /opt/dkube/...).
        var yaml = PipelineSamples.DkubeTrainServe("", raw, clean, model,
            "tr a-z A-Z < \"$DKUBE_WORK_DIR/opt/dkube/input/rows.txt\" > \"$DKUBE_WORK_DIR/opt/dkube/output/rows.txt\"",
            "printf 'trained-%s-%s' \"$EPOCHS\" \"$(wc -l < \"$DKUBE_WORK_DIR/opt/dkube/input/rows.txt\")\" > \"$DKUBE_WORK_DIR/opt/dkube/output/v.txt\"",
            $$"""{"image": "ocdr/sklearnserver", "command": "exec /usr/bin/python3 {{world.Marks}}/server.py {{world.Marks}}"}""");
        var pipeline = GrainClusterFixture.NewKey("pl");
        await fixture.Grains.GetGrain<IPipelineGrain>(pipeline).Create(GrainClusterFixture.NewKey("p"), owner, world.Group, null, yaml);
        var run = fixture.Grains.GetGrain<IPipelineRunGrain>(GrainClusterFixture.NewKey("pr"));
        await run.Create(new PipelineRunRequest("dk", owner, world.Group, null, pipeline, null, null, new Dictionary<string, string>(), world.Cluster));

        // The deployment's readiness probe runs on the grains' clock: moved on while waiting.
        var ended = (await Eventually.Until(async () =>
        {
            fixture.Time.Advance(TimeSpan.FromMilliseconds(250));
            return await run.Get();
        }, v => v!.Status.IsFinal(), TimeSpan.FromSeconds(180), "the pipeline run ended"))!;

        Assert.True(ended.Status == PipelineRunStatus.Succeeded, string.Join("; ", ended.Tasks.Select(t => $"{t.Name} {t.Status} {t.Reason}")));
        var (preprocess, training, deploy) = (Task(ended, "dkube-preprocess"), Task(ended, "dkube-training"), Task(ended, "dkube-serving"));
        Assert.Equal(("dkube-preprocessing", "dkube-training", "dkube-serving"), (preprocess.Step, training.Step, deploy.Step));

        // Preprocessing: a preprocessing run that read raw at its mount and made clean's first version.
        var preprocessRun = (await fixture.Grains.GetGrain<IWorkloadGrain>(preprocess.Run!).Get())!;
        Assert.Equal(("preprocessing", PipelineTasks.ParentKind, ended.Id), (preprocessRun.Kind, preprocessRun.Parent!.Kind, preprocessRun.Parent.Id));
        Assert.Equal((clean, 1), (preprocessRun.Spec.Output!.RepoId, preprocessRun.OutputVersion));
        Assert.Contains(preprocessRun.Spec.Inputs, i => i.RepoId == raw && i.MountPath == "opt/dkube/input");
        var cleaned = Path.Combine(fixture.DataDir, GrainClusterFixture.NewKey("clean"));
        await fixture.Services.GetRequiredService<IDataVersions>().MaterializeAsync(RepoKind.Dataset, clean, 1, cleaned);
        Assert.Equal("A\nB\n", await File.ReadAllTextAsync(Path.Combine(cleaned, "rows.txt")));
        var cleanVersion = (await fixture.Grains.GetGrain<IDataRepoGrain>(clean).GetVersion(1))!;
        Assert.Equal((PipelineTasks.ParentKind, ended.Id), (cleanVersion.Lineage!.Trigger!.Kind, cleanVersion.Lineage.Trigger.Id));

        // Training: a training run on clean (the version preprocessing made), making the model's version,
        // named by its artifact output.
        var trainingRun = (await fixture.Grains.GetGrain<IWorkloadGrain>(training.Run!).Get())!;
        Assert.Equal("training", trainingRun.Kind);
        Assert.Contains(new VersionId(RepoKind.Dataset, clean, 1), trainingRun.InputVersions!);
        var modelVersion = (await fixture.Grains.GetGrain<IDataRepoGrain>(model).GetVersion(1))!;
        Assert.Equal(training.Run, modelVersion.Lineage!.RunId);
        Assert.Contains(new VersionId(RepoKind.Dataset, clean, 1), modelVersion.Lineage.Inputs);
        Assert.Equal((PipelineTasks.ParentKind, ended.Id), (modelVersion.Lineage.Trigger!.Kind, modelVersion.Lineage.Trigger.Id));
        Assert.Contains($"\"repo\":\"{model}\"", training.Outputs!["artifact"], StringComparison.Ordinal);

        // Serving: a deployment of that version, a child of the pipeline run, ready and answering.
        Assert.Equal(PipelineTasks.DeploymentId(ended.Id, "dkube-serving", 1), deploy.Deployment);
        var deployment = fixture.Grains.GetGrain<IDeploymentGrain>(deploy.Deployment!);
        var view = (await deployment.Get())!;
        Assert.Equal((DeploymentStatus.Running, model, 1), (view.Status, view.Model.RepoId, view.Model.Version));
        Assert.Equal((PipelineTasks.ParentKind, ended.Id), (view.Parent!.Kind, view.Parent.Id));
        Assert.Equal(DeploymentView.EndpointOf(view.Id), deploy.Outputs!["servingurl"]);
        using var http = new HttpClient();
        Assert.Equal("trained-5-2", await http.GetStringAsync(view.ReplicaList.Single(r => r.Ready).Url + "/"));

        // A redelivered notice (at least once) changes nothing.
        await run.DeploymentSettled(view with { Status = DeploymentStatus.Error });
        Assert.Equal(PipelineRunStatus.Succeeded, Task((await run.Get())!, "dkube-serving").Status);
        await deployment.Delete();
    }

    [Fact]
    public async Task A_step_naming_a_repository_its_owner_cannot_see_fails_saying_so_and_nothing_downstream_runs()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var owner = GrainClusterFixture.NewKey("u");
        await fixture.Grains.GetGrain<IUserGrain>(owner).Create(["data-scientist"]);
        await fixture.Grains.GetGrain<IGroupGrain>(world.Group).AddMember(owner);
        var model = await world.RepoAsync(fixture, RepoKind.Model, owner);
        var yaml = PipelineSamples.DkubeTrainServe("", "no-such-dataset", "clean-too", model, "true", "true", """{"image": "x"}""");
        var pipeline = GrainClusterFixture.NewKey("pl");
        await fixture.Grains.GetGrain<IPipelineGrain>(pipeline).Create(GrainClusterFixture.NewKey("p"), owner, world.Group, null, yaml);
        var run = fixture.Grains.GetGrain<IPipelineRunGrain>(GrainClusterFixture.NewKey("pr"));
        await run.Create(new PipelineRunRequest("dk", owner, world.Group, null, pipeline, null, null, new Dictionary<string, string>(), world.Cluster));

        var ended = (await Eventually.Until(run.Get, v => v!.Status.IsFinal(), TimeSpan.FromSeconds(60), "the pipeline run ended"))!;

        Assert.Equal(PipelineRunStatus.Failed, ended.Status);
        Assert.Contains("no-such-dataset", Task(ended, "dkube-preprocess").Reason, StringComparison.Ordinal);
        Assert.Equal(PipelineRunStatus.Skipped, Task(ended, "dkube-training").Status);
        Assert.Equal(PipelineRunStatus.Skipped, Task(ended, "dkube-serving").Status);
    }

    private static PipelineTaskView Task(PipelineRunView run, string name) => run.Tasks.Single(t => t.Name == name);
}
