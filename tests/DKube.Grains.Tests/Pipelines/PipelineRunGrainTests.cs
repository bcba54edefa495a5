using DKube.Abstractions.Clusters;
using DKube.Abstractions.Pipelines;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Execution;
using DKube.Grains.Tests.Workloads;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Grains.Tests.Pipelines;

/// <summary>
/// The pipeline run grain walks real DAGs whose tasks are real processes of the test silo's local
/// executor: parameters and artifacts flow between tasks, ends arrive as events (re-delivered ones
/// change nothing), a run deactivated mid-walk resumes without starting any task twice, and
/// caching, retries, failures, exit tasks and stops follow KFP.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class PipelineRunGrainTests(GrainClusterFixture fixture)
{
    /// <summary>The three-step pipeline (<see cref="PipelineSamples.ThreeSteps"/>), each task marking its start, with caching.</summary>
    private static string ThreeSteps(string marks, string sleep = "0") => PipelineSamples.ThreeSteps(marks, sleep, cache: true);

    /// <summary>
    /// bad (fails; retried once by its policy) -> after (skipped); an exit task that runs after
    /// everything with bad's final status.
    /// </summary>
    private static string Failing(string marks) => """
        pipelineInfo: {name: failing}
        deploymentSpec:
          executors:
            exec-bad:
              container: {image: alpine, command: [sh, -c, 'echo run >> "$0/$DKUBE_RUN_ID"; exit 3', "@MARKS@"]}
            exec-ok:
              container: {image: alpine, command: [sh, -c, 'echo run >> "$0/$DKUBE_RUN_ID"', "@MARKS@"]}
            exec-exit:
              container:
                image: alpine
                command: [sh, -c, 'echo "$0" > "$1"', "{{$.inputs.parameters['status']}}", "{{$.outputs.parameters['seen'].output_file}}"]
        components:
          comp-bad: {executorLabel: exec-bad}
          comp-ok: {executorLabel: exec-ok}
          comp-exit:
            executorLabel: exec-exit
            inputDefinitions: {parameters: {status: {parameterType: TASK_FINAL_STATUS}}}
            outputDefinitions: {parameters: {seen: {parameterType: STRING}}}
          comp-handler:
            dag:
              tasks:
                bad: {componentRef: {name: comp-bad}, retryPolicy: {maxRetryCount: 1}}
                after: {componentRef: {name: comp-ok}, dependentTasks: [bad]}
        root:
          dag:
            tasks:
              handler: {componentRef: {name: comp-handler}}
              final:
                componentRef: {name: comp-exit}
                dependentTasks: [handler]
                triggerPolicy: {strategy: ALL_UPSTREAM_TASKS_COMPLETED}
                inputs: {parameters: {status: {taskFinalStatus: {producerTask: handler}}}}
        """.Replace("@MARKS@", marks, StringComparison.Ordinal);

    [Fact]
    public async Task Parameters_and_artifacts_flow_through_three_real_tasks_whose_ends_arrive_as_events()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var run = await StartAsync(world, ThreeSteps(world.Marks), new Dictionary<string, string> { ["text"] = "it's here" });

        var ended = await FinalAsync(run);

        Assert.Equal(PipelineRunStatus.Succeeded, ended.Status);
        Assert.Equal(["produce", "consume", "report"], ended.Tasks.Select(t => t.Name));
        Assert.All(ended.Tasks, t => Assert.Equal(PipelineRunStatus.Succeeded, t.Status));
        Assert.Equal("2", Task(ended, "produce").Outputs!["count"]);
        Assert.Equal("2\n", Task(ended, "consume").Outputs!["lines"]);
        Assert.Equal("2\n lines; n=2\n", Task(ended, "report").Outputs!["summary"]);
        Assert.Equal("it's here", Task(ended, "produce").Inputs["text"]);
        var child = await fixture.Grains.GetGrain<IWorkloadGrain>(Task(ended, "consume").Run!).Get();
        Assert.Equal((PipelineTasks.ParentKind, ended.Id), (child!.Parent!.Kind, child.Parent.Id));
        Assert.Equal(PipelineTasks.RunId(ended.Id, "consume", 1), child.Id);
        Assert.Equal("system.Model", Task(ended, "consume").Artifacts!["model"].SchemaTitle);
        Assert.All(ended.Tasks, t => Assert.Equal(1, world.StartsOf(t.Run!)));
    }

    [Fact]
    public async Task A_redelivered_or_foreign_end_changes_nothing()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var run = await StartAsync(world, ThreeSteps(world.Marks));
        var ended = await FinalAsync(run);

        foreach (var task in ended.Tasks)
        {
            var view = await fixture.Grains.GetGrain<IWorkloadGrain>(task.Run!).Get();
            await run.WorkloadEnded(view!);
            await run.WorkloadEnded(view! with { Status = WorkloadStatus.Failed });
        }

        await run.WorkloadEnded((await fixture.Grains.GetGrain<IWorkloadGrain>(ended.Tasks[0].Run!).Get())! with { Id = "r-000000000000" });
        var after = (await run.Get())!;
        Assert.Equal(PipelineRunStatus.Succeeded, after.Status);
        Assert.Equal(Summary(ended), Summary(after));
        Assert.Equal(3, after.Tasks.Count);
    }

    [Fact]
    public async Task Dataset_and_model_artifacts_become_versions_with_lineage_that_downstream_tasks_read_and_a_redelivered_end_makes_no_second()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var run = await StartAsync(world, ThreeSteps(world.Marks), new Dictionary<string, string> { ["text"] = "kept" });
        var ended = await FinalAsync(run);
        Assert.Equal(PipelineRunStatus.Succeeded, ended.Status);

        var (datasetId, datasetName) = PipelineTasks.ArtifactRepo(RepoKind.Dataset, WorkloadWorld.Owner, "three-steps", "produce", "data");
        var data = Task(ended, "produce").Artifacts!["data"];
        Assert.Equal(datasetId, data.Version!.RepoId);
        Assert.Equal(("data", RepoKind.Dataset), (data.Entry, data.Version.Kind));
        var dataset = fixture.Grains.GetGrain<IDataRepoGrain>(datasetId);
        // The owner's one dataset for this output (other tests of this owner add versions to it too).
        Assert.Equal((datasetName, WorkloadWorld.Owner), ((await dataset.Get())!.Name, (await dataset.Get())!.Owner));
        var made = (await dataset.GetVersion(data.Version.Version))!;
        Assert.Equal(Task(ended, "produce").Run, made.Lineage!.RunId);
        Assert.Equal(new LineageTrigger(PipelineTasks.ParentKind, ended.Id, null, "produce"), made.Lineage.Trigger);
        Assert.Equal("kept", made.Lineage.Hyperparameters["text"]);
        // What the version holds is what produce wrote; consume read it from the version store.
        var folder = Path.Combine(fixture.DataDir, GrainClusterFixture.NewKey("materialized"));
        await fixture.Services.GetRequiredService<IDataVersions>().MaterializeAsync(RepoKind.Dataset, datasetId, data.Version.Version, folder);
        Assert.Equal("kept\nkept\n", await File.ReadAllTextAsync(Path.Combine(folder, "data")));
        var consumer = await fixture.Grains.GetGrain<IWorkloadGrain>(Task(ended, "consume").Run!).Get();
        Assert.Contains(consumer!.Spec.Inputs, i => i.RepoId == datasetId && i.Version == data.Version.Version);

        // The model consume made names the dataset version it read.
        var model = Task(ended, "consume").Artifacts!["model"].Version!;
        Assert.Equal(RepoKind.Model, model.Kind);
        var modelVersion = (await fixture.Grains.GetGrain<IDataRepoGrain>(model.RepoId).GetVersion(model.Version))!;
        Assert.Contains(data.Version, modelVersion.Lineage!.Inputs);
        Assert.Equal("consume", modelVersion.Lineage.Trigger!.Task);

        // A redelivered end (at least once) reaches the version made first.
        var latest = (await dataset.Get())!.LatestVersion;
        var produced = await fixture.Grains.GetGrain<IWorkloadGrain>(Task(ended, "produce").Run!).Get();
        await run.WorkloadEnded(produced!);
        Assert.Equal(latest, (await dataset.Get())!.LatestVersion);
        var kept = await fixture.Grains.GetGrain<IClusterAgentGrain>(world.Cluster).KeepArtifact(ExecutionIds.For(produced!.Id, produced.Attempt),
            PipelineTasks.ArtifactFile("data"), "data", RepoKind.Dataset, datasetId, made.Lineage, $"{ExecutionIds.For(produced.Id, produced.Attempt)}/data");
        Assert.Equal(data.Version, kept!.Version);
        Assert.Equal(latest, (await dataset.Get())!.LatestVersion);
    }

    [Fact]
    public async Task A_run_deactivated_mid_walk_resumes_and_starts_no_task_twice()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var key = GrainClusterFixture.NewKey("pr");
        // The second task's create fails as if its silo died: its record is stored, its run is not.
        fixture.Faults.FailBefore(PipelineTasks.RunId(key, "consume", 1), nameof(IWorkloadGrain.CreateChild), new SiloUnavailableException("test"));
        var run = await StartAsync(world, ThreeSteps(world.Marks, sleep: "1"), key: key);
        await fixture.DeactivateAsync(run);
        await Eventually.Until(run.Get, v => v!.Tasks.Any(t => t.Name == "consume"), TimeSpan.FromSeconds(90), "consume was decided");
        await fixture.DeactivateAsync(run);

        var ended = await FinalAsync(run);

        Assert.Equal(PipelineRunStatus.Succeeded, ended.Status);
        Assert.Equal(3, ended.Tasks.Count);
        Assert.All(ended.Tasks, t => Assert.Equal(1, world.StartsOf(t.Run!)));
    }

    [Fact]
    public async Task A_second_run_reuses_cached_outputs_and_runs_only_the_uncached_task()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var pipeline = await PipelineAsync(world, ThreeSteps(world.Marks));
        var first = await FinalAsync(await RunAsync(world, pipeline));
        var second = await FinalAsync(await RunAsync(world, pipeline));

        Assert.Equal(PipelineRunStatus.Succeeded, second.Status);
        Assert.Equal(PipelineRunStatus.Cached, Task(second, "produce").Status);
        Assert.Equal(PipelineRunStatus.Cached, Task(second, "consume").Status);
        Assert.Null(Task(second, "produce").Run);
        Assert.Equal($"{first.Id}/consume", Task(second, "consume").CachedFrom);
        // report has no cache: it runs again, on the cached artifact.
        Assert.Equal(PipelineRunStatus.Succeeded, Task(second, "report").Status);
        Assert.Equal("2\n lines; n=2\n", Task(second, "report").Outputs!["summary"]);
    }

    [Fact]
    public async Task A_failed_task_is_retried_by_its_policy_then_fails_the_run_skips_downstream_and_the_exit_task_still_runs()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var run = await StartAsync(world, Failing(world.Marks));

        var ended = await FinalAsync(run);

        Assert.Equal(PipelineRunStatus.Failed, ended.Status);
        var bad = Task(ended, "handler/bad");
        Assert.Equal(PipelineRunStatus.Failed, bad.Status);
        Assert.Equal(2, bad.Attempt);
        Assert.Contains("exit code 3", bad.Reason, StringComparison.Ordinal);
        Assert.Equal(1, world.StartsOf(PipelineTasks.RunId(ended.Id, "handler/bad", 1)));
        Assert.Equal(1, world.StartsOf(PipelineTasks.RunId(ended.Id, "handler/bad", 2)));
        Assert.Equal(PipelineRunStatus.Skipped, Task(ended, "handler/after").Status);
        Assert.Equal(PipelineRunStatus.Failed, Task(ended, "handler").Status);
        Assert.Equal(PipelineRunStatus.Succeeded, Task(ended, "final").Status);
        Assert.Contains("\"state\":\"FAILED\"", Task(ended, "final").Outputs!["seen"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_a_run_stops_its_running_task_and_a_retry_runs_it_again_as_a_new_run()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var run = await StartAsync(world, ThreeSteps(world.Marks, sleep: "300"));
        var running = await Eventually.Until(run.Get, v => v!.Tasks.Any(t => t.Created), TimeSpan.FromSeconds(60), "produce was created");
        var produce = fixture.Grains.GetGrain<IWorkloadGrain>(running!.Tasks[0].Run!);
        await Eventually.Until(produce.Get, v => v!.Status == WorkloadStatus.Running, TimeSpan.FromSeconds(60), "produce runs");

        var stopped = await run.Stop();
        Assert.Equal(PipelineRunStatus.Canceled, stopped.Status);
        await WorkloadWorld.FinalAsync(produce);
        var settled = await Eventually.Until(run.Get, v => v!.Tasks[0].Status == PipelineRunStatus.Canceled, TimeSpan.FromSeconds(60), "produce canceled");
        Assert.Equal(WorkloadStatus.Stopped, (await produce.Get())!.Status);
        Assert.Single(settled!.Tasks);

        var retried = await run.Retry();
        Assert.Equal(PipelineRunStatus.Running, retried.Status);
        Assert.Equal(2, retried.Tasks[0].Attempt);
        Assert.NotEqual(running.Tasks[0].Run, retried.Tasks[0].Run);
        await run.Stop();
    }

    private static string Summary(PipelineRunView run) =>
        string.Join("; ", run.Tasks.Select(t => $"{t.Name} {t.Status} {t.Run} {t.Attempt} {string.Join(",", t.Outputs ?? new Dictionary<string, string>())}"));

    private static PipelineTaskView Task(PipelineRunView run, string name) => run.Tasks.Single(t => t.Name == name);

    private static async Task<PipelineRunView> FinalAsync(IPipelineRunGrain run) =>
        (await Eventually.Until(run.Get, v => v!.Status.IsFinal(), TimeSpan.FromSeconds(120), "the pipeline run ended"))!;

    private async Task<string> PipelineAsync(WorkloadWorld world, string yaml)
    {
        var pipeline = GrainClusterFixture.NewKey("pl");
        await fixture.Grains.GetGrain<IPipelineGrain>(pipeline).Create(GrainClusterFixture.NewKey("p"), WorkloadWorld.Owner, world.Group, null, yaml);
        return pipeline;
    }

    private async Task<IPipelineRunGrain> RunAsync(WorkloadWorld world, string pipeline, IReadOnlyDictionary<string, string>? parameters = null, string? key = null)
    {
        var run = fixture.Grains.GetGrain<IPipelineRunGrain>(key ?? GrainClusterFixture.NewKey("pr"));
        await run.Create(new PipelineRunRequest("r", WorkloadWorld.Owner, world.Group, null, pipeline, null, null,
            parameters ?? new Dictionary<string, string>(), world.Cluster));
        return run;
    }

    private async Task<IPipelineRunGrain> StartAsync(WorkloadWorld world, string yaml, IReadOnlyDictionary<string, string>? parameters = null, string? key = null) =>
        await RunAsync(world, await PipelineAsync(world, yaml), parameters, key);
}
