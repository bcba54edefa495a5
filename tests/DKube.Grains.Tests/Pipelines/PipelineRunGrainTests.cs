using DKube.Abstractions.Pipelines;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Tests.Workloads;

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
    /// <summary>
    /// produce -> consume -> report: a parameter (typed NUMBER_INTEGER), a dataset artifact, a model
    /// artifact, a condition on an upstream output. Each task appends a line to its run's mark file.
    /// </summary>
    private static string ThreeSteps(string marks, string sleep = "0") => """
        pipelineInfo: {name: three-steps}
        deploymentSpec:
          executors:
            exec-produce:
              container:
                image: alpine
                command: [sh, -c, 'echo run >> "$3/$DKUBE_RUN_ID"; sleep @SLEEP@; printf "%s\n" "$0" "$0" > "$1"; echo 2 > "$2"']
                args: ["{{$.inputs.parameters['text']}}", "{{$.outputs.artifacts['data'].path}}", "{{$.outputs.parameters['count'].output_file}}", "@MARKS@"]
            exec-consume:
              container:
                image: alpine
                command: [sh, -c, 'echo run >> "$4/$DKUBE_RUN_ID"; wc -l < "$0" | tr -d " " > "$2"; cat "$0" > "$3"; echo "n=$1" >> "$3"']
                args: ["{{$.inputs.artifacts['data'].path}}", "{{$.inputs.parameters['n']}}", "{{$.outputs.parameters['lines'].output_file}}", "{{$.outputs.artifacts['model'].path}}", "@MARKS@"]
            exec-report:
              container:
                image: alpine
                command: [sh, -c, 'echo run >> "$3/$DKUBE_RUN_ID"; echo "$0 lines; $(tail -n 1 "$1")" > "$2"']
                args: ["{{$.inputs.parameters['lines']}}", "{{$.inputs.artifacts['model'].path}}", "{{$.outputs.parameters['summary'].output_file}}", "@MARKS@"]
        components:
          comp-produce:
            executorLabel: exec-produce
            inputDefinitions: {parameters: {text: {parameterType: STRING}}}
            outputDefinitions:
              parameters: {count: {parameterType: NUMBER_INTEGER}}
              artifacts: {data: {artifactType: {schemaTitle: system.Dataset}}}
          comp-consume:
            executorLabel: exec-consume
            inputDefinitions:
              parameters: {n: {parameterType: NUMBER_INTEGER}}
              artifacts: {data: {artifactType: {schemaTitle: system.Dataset}}}
            outputDefinitions:
              parameters: {lines: {parameterType: STRING}}
              artifacts: {model: {artifactType: {schemaTitle: system.Model}}}
          comp-report:
            executorLabel: exec-report
            inputDefinitions:
              parameters: {lines: {parameterType: STRING}, n: {parameterType: NUMBER_INTEGER}}
              artifacts: {model: {artifactType: {schemaTitle: system.Model}}}
            outputDefinitions:
              parameters: {summary: {parameterType: STRING}}
        root:
          inputDefinitions: {parameters: {text: {parameterType: STRING, defaultValue: hello}}}
          dag:
            tasks:
              produce:
                componentRef: {name: comp-produce}
                cachingOptions: {enableCache: true}
                inputs: {parameters: {text: {componentInputParameter: text}}}
              consume:
                componentRef: {name: comp-consume}
                cachingOptions: {enableCache: true}
                dependentTasks: [produce]
                inputs:
                  parameters: {n: {taskOutputParameter: {producerTask: produce, outputParameterKey: count}}}
                  artifacts: {data: {taskOutputArtifact: {producerTask: produce, outputArtifactKey: data}}}
              report:
                componentRef: {name: comp-report}
                dependentTasks: [consume, produce]
                triggerPolicy: {condition: "int(inputs.parameter_values['n']) == 2"}
                inputs:
                  parameters:
                    lines: {taskOutputParameter: {producerTask: consume, outputParameterKey: lines}}
                    n: {taskOutputParameter: {producerTask: produce, outputParameterKey: count}}
                  artifacts: {model: {taskOutputArtifact: {producerTask: consume, outputArtifactKey: model}}}
        """.Replace("@MARKS@", marks, StringComparison.Ordinal).Replace("@SLEEP@", sleep, StringComparison.Ordinal);

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
