using DKube.Abstractions.Clusters;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;

namespace DKube.Grains.Tests.Workloads;

/// <summary>
/// The workload's way to its backend and back when the agent's silo dies on the way: calls that
/// fail as a dead silo's do are retried with the same execution id, never an Error; the backend
/// starts the process once; staging and keeping the output are steps of the agent that a status
/// read never waits for; an output is kept as one version however often it is asked.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class WorkloadPathTests(GrainClusterFixture fixture)
{
    /// <summary>What a caller meets when the callee's silo dies: unavailable, a rejected message, no answer in time.</summary>
    private static Exception[] DeadSilo() =>
        [new SiloUnavailableException("the target silo became unavailable"), Rejected("rejected: the silo is shutting down"), new TimeoutException("response did not arrive on time")];

    // Orleans makes this one itself only (its constructors are not public).
    private static OrleansMessageRejectionException Rejected(string message) =>
        (OrleansMessageRejectionException)Activator.CreateInstance(typeof(OrleansMessageRejectionException),
            System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, null, [message], null)!;

    [Fact]
    public async Task A_start_whose_agent_calls_fail_like_a_dead_silos_is_retried_and_completes_with_one_process()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        // The agent's first three starts fail before they arrive; the fourth arrives and its answer
        // is lost too, as when a silo dies after taking the call: the run must still start once.
        fixture.Faults.FailBefore(world.Cluster, nameof(IClusterAgentGrain.Submit), DeadSilo());
        fixture.Faults.FailAfter(world.Cluster, nameof(IClusterAgentGrain.Submit), new SiloUnavailableException("answer lost"));
        var id = GrainClusterFixture.NewKey("r");
        var run = fixture.Grains.GetGrain<IWorkloadGrain>(id);

        var created = await run.Create(WorkloadType.Run, world.Run("true"), WorkloadWorld.Owner, null, null);
        Assert.Equal(WorkloadStatus.Starting, created.Status);

        var ended = await WorkloadWorld.FinalAsync(run);
        Assert.Equal(WorkloadStatus.Complete, ended.Status);
        // The three refused starts were asked again until one arrived (its lost answer may be asked
        // again too, after the run started: it joins or finds the process, never starts another).
        Assert.True(fixture.Faults.Calls(world.Cluster, nameof(IClusterAgentGrain.Submit)) >= 4, "every failed start was retried");
        Assert.Equal(1, world.StartsOf(id));
        await Eventually.Until(() => fixture.Grains.GetGrain<IClusterGrain>(world.Cluster).Get(), c => c!.UsedGpus == 0, TimeSpan.FromSeconds(30), "GPUs released");
        Assert.Equal(1, world.StartsOf(id));
    }

    [Fact]
    public async Task A_local_run_with_nothing_to_stage_is_told_running_then_ended_with_no_submitting_step_between()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var id = GrainClusterFixture.NewKey("r");
        var run = fixture.Grains.GetGrain<IWorkloadGrain>(id);

        await run.Create(WorkloadType.Run, world.Run("true"), WorkloadWorld.Owner, null, null);
        var ended = await WorkloadWorld.FinalAsync(run);

        Assert.Equal(WorkloadStatus.Complete, ended.Status);
        // Running and Complete only: a local start is a spawn, so a "submitting" report between
        // them was a state write and a live event per run that nobody saw.
        Assert.Equal(2, fixture.Faults.Calls(id, nameof(IWorkloadGrain.Report)));
    }

    [Fact]
    public async Task Starts_asked_again_while_one_is_in_flight_join_it_and_start_one_process()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var input = await world.DatasetAsync(fixture, ("data.csv", "1,2,3"));
        var id = GrainClusterFixture.NewKey("r");
        var run = fixture.Grains.GetGrain<IWorkloadGrain>(id);
        WorkloadView staging;
        using (fixture.Faults.Hold(input, nameof(IDataRepoGrain.GetVersion)))
        {
            await run.Create(WorkloadType.Run, world.Run("cat data/data.csv", [new VersionRef("dataset", "in", null, "data", input)]), WorkloadWorld.Owner, null, null);
            staging = (await Eventually.Until(run.Get, v => v!.Reason == WorkloadSteps.StagingInputs, TimeSpan.FromSeconds(30), "staging"))!;
            // The reconciler and a new agent activation both drive it again meanwhile.
            await run.Recover();
            await run.Recover();
            await fixture.Grains.GetGrain<IClusterAgentGrain>(world.Cluster).Submit(staging, DKube.Grains.Execution.ExecutionIds.For(id, 1));
        }

        Assert.Equal(WorkloadStatus.Starting, staging.Status);
        var ended = await WorkloadWorld.FinalAsync(run);
        Assert.Equal(WorkloadStatus.Complete, ended.Status);
        Assert.Equal(1, world.StartsOf(id));
    }

    [Fact]
    public async Task While_its_inputs_stage_a_run_is_Starting_with_the_step_and_answers_reads_at_once()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var input = await world.DatasetAsync(fixture, ("data.csv", "1,2,3"));
        var run = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("r"));
        using (fixture.Faults.Hold(input, nameof(IDataRepoGrain.GetVersion)))
        {
            await run.Create(WorkloadType.Run, world.Run("cat data/data.csv", [new VersionRef("dataset", "in", null, "data", input)]), WorkloadWorld.Owner, null, null);
            await Eventually.Until(run.Get, v => v!.Reason == WorkloadSteps.StagingInputs, TimeSpan.FromSeconds(30), "staging");
            for (var i = 0; i < 20; i++)
            {
                // The staging step holds no turn of the workload: every read answers, fast.
                var read = run.Get();
                Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(5))));
                Assert.Equal(WorkloadStatus.Starting, (await read)!.Status);
            }
        }

        var ended = await WorkloadWorld.FinalAsync(run);
        Assert.Equal(WorkloadStatus.Complete, ended.Status);
        Assert.Equal(1, ended.InputVersions!.Single().Version);
    }

    [Fact]
    public async Task An_output_is_kept_as_one_version_when_the_answers_of_its_commit_are_lost()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var output = await world.DatasetAsync(fixture);
        // The repository stores the version, then the answer is lost (twice), as when the silo in
        // between dies: the agent's step asks again with the same execution id.
        fixture.Faults.FailAfter(output, nameof(IDataRepoGrain.AddVersion), new TimeoutException("lost"), new SiloUnavailableException("lost"));
        fixture.Faults.FailBefore(world.Cluster, nameof(IClusterAgentGrain.KeepOutput), DeadSilo());
        var run = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("r"));

        await run.Create(WorkloadType.Run, world.Run("echo 42 > $DKUBE_OUTPUT_DIR/answer.txt", output: new OutputRef("dataset", "out", output)),
            WorkloadWorld.Owner, null, null);

        var ended = await WorkloadWorld.FinalAsync(run);
        Assert.Equal(WorkloadStatus.Complete, ended.Status);
        Assert.Equal(1, ended.OutputVersion);
        var repo = fixture.Grains.GetGrain<IDataRepoGrain>(output);
        Assert.Equal(1, (await repo.Get())!.LatestVersion);
        Assert.Single(await repo.ListVersions(0, 10));
        Assert.Equal(3, fixture.Faults.Calls(output, nameof(IDataRepoGrain.AddVersion)));
    }

    [Fact]
    public async Task A_keyed_version_is_made_once_and_a_retry_answers_it()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var repo = fixture.Grains.GetGrain<IDataRepoGrain>(await world.DatasetAsync(fixture, ("a.txt", "a")));
        var first = (await repo.GetVersion(1))!;
        var made = new NewVersion(first.Digest, first.Size, first.FileCount, WorkloadWorld.Owner, null, "r-1");

        var once = await repo.AddVersion(made);
        var again = await repo.AddVersion(made);
        var other = await repo.AddVersion(made with { Key = "r2-1" });

        Assert.Equal(2, once.Version);
        Assert.Equal(2, again.Version);
        Assert.Equal(3, other.Version);
        await fixture.DeactivateAsync(repo);
        Assert.Equal(2, (await repo.AddVersion(made)).Version);
    }

    [Fact]
    public async Task A_stop_that_cannot_reach_the_agent_leaves_the_run_Stopping_until_it_does_and_ends_its_process()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var id = GrainClusterFixture.NewKey("r");
        var run = fixture.Grains.GetGrain<IWorkloadGrain>(id);
        await run.Create(WorkloadType.Run, world.Run("sleep 120"), WorkloadWorld.Owner, null, null);
        await Eventually.Until(run.Get, v => v!.Status == WorkloadStatus.Running, TimeSpan.FromSeconds(30), "running");
        fixture.Faults.FailBefore(world.Cluster, nameof(IClusterAgentGrain.Stop), DeadSilo());

        var stopping = await run.Stop();

        Assert.Equal(WorkloadStatus.Stopping, stopping.Status);
        var ended = await WorkloadWorld.FinalAsync(run);
        Assert.Equal(WorkloadStatus.Stopped, ended.Status);
        Assert.Equal(4, fixture.Faults.Calls(world.Cluster, nameof(IClusterAgentGrain.Stop)));
        // Stopped only once the process is gone: the executor no longer sees it alive.
        var probe = (await fixture.Grains.GetGrain<IClusterAgentGrain>(world.Cluster).Reconcile([DKube.Grains.Execution.ExecutionIds.For(id, 1)])).Single();
        Assert.True(probe.Final, $"the process still runs: {probe}");
    }

    [Fact]
    public async Task A_stop_while_the_inputs_stage_calls_the_start_off_and_nothing_runs()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var input = await world.DatasetAsync(fixture, ("data.csv", "1,2,3"));
        var id = GrainClusterFixture.NewKey("r");
        var run = fixture.Grains.GetGrain<IWorkloadGrain>(id);
        using (fixture.Faults.Hold(input, nameof(IDataRepoGrain.GetVersion)))
        {
            await run.Create(WorkloadType.Run, world.Run("sleep 120", [new VersionRef("dataset", "in", null, "data", input)]), WorkloadWorld.Owner, null, null);
            await Eventually.Until(run.Get, v => v!.Reason == WorkloadSteps.StagingInputs, TimeSpan.FromSeconds(30), "staging");
            Assert.Equal(WorkloadStatus.Stopping, (await run.Stop()).Status);
        }

        var ended = await WorkloadWorld.FinalAsync(run);
        Assert.Equal(WorkloadStatus.Stopped, ended.Status);
        Assert.Equal(0, world.StartsOf(id));
        await Eventually.Until(() => fixture.Grains.GetGrain<IClusterGrain>(world.Cluster).Get(), c => c!.UsedGpus == 0, TimeSpan.FromSeconds(30), "GPUs released");
    }

    [Fact]
    public async Task A_start_the_data_refuses_is_an_Error_with_the_reason_and_frees_the_gpus()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var empty = await world.DatasetAsync(fixture);
        var run = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("r"));

        // Version 7 of a dataset without versions: the version store refuses it (not a silo failure).
        await run.Create(WorkloadType.Run, world.Run("true", [new VersionRef("dataset", "in", 7, "data", empty)]), WorkloadWorld.Owner, null, null);

        var ended = await WorkloadWorld.FinalAsync(run);
        Assert.Equal(WorkloadStatus.Error, ended.Status);
        Assert.Contains("Version 7", ended.Reason);
        await Eventually.Until(() => fixture.Grains.GetGrain<IClusterGrain>(world.Cluster).Get(), c => c!.UsedGpus == 0, TimeSpan.FromSeconds(30), "GPUs released");
    }
}
