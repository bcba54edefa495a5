using DKube.Abstractions.Errors;
using DKube.Abstractions.Pipelines;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Tests.Workloads;

namespace DKube.Grains.Tests.Pipelines;

/// <summary>
/// Recurring runs on the fixture's <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/>:
/// a day of schedule is walked in milliseconds by moving the clock and waking the grain as its
/// reminder would. Every tick makes one run with a derived id, whatever restarts come between.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class RecurringRunGrainTests(GrainClusterFixture fixture)
{
    /// <summary>One importer task: a run of it ends inside its own creation, with no process.</summary>
    private const string Instant = """
        pipelineInfo: {name: instant}
        deploymentSpec:
          executors:
            exec-imp: {importer: {artifactUri: {constant: "file:///data/x"}, typeSchema: {schemaTitle: system.Dataset}}}
        components:
          comp-imp:
            executorLabel: exec-imp
            outputDefinitions: {artifacts: {artifact: {artifactType: {schemaTitle: system.Dataset}}}}
        root:
          dag:
            tasks:
              imp: {componentRef: {name: comp-imp}}
        """;

    /// <summary>One task that runs until it is stopped.</summary>
    private const string Long = """
        pipelineInfo: {name: long}
        deploymentSpec: {executors: {exec-a: {container: {image: alpine, command: [sleep, "300"]}}}}
        components: {comp-a: {executorLabel: exec-a}}
        root: {dag: {tasks: {a: {componentRef: {name: comp-a}}}}}
        """;

    [Fact]
    public async Task A_day_of_hourly_ticks_makes_one_run_per_tick_with_derived_ids_even_across_a_restart()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var start = fixture.Time.GetUtcNow();
        var recurring = await CreateAsync(world, Instant, intervalSeconds: 3600, maxConcurrency: 10, startTime: start);
        Assert.Equal(start.AddHours(1), (await recurring.Get())!.NextTick);

        fixture.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        await recurring.Wake();
        await fixture.DeactivateAsync(recurring);
        // Each run's end frees its place and wakes the recurring run again, until the day is caught up.
        var done = await Eventually.Until(recurring.Get, v => v!.Triggered == 24 && v.Active.Count == 0, TimeSpan.FromSeconds(60), "24 runs");
        await recurring.Wake();

        Assert.Equal(24, (await recurring.Get())!.Triggered);
        Assert.Equal(start.AddHours(24), done!.LastTick);
        Assert.Equal(start.AddHours(25), done.NextTick);
        for (var hour = 1; hour <= 24; hour++)
        {
            var run = await fixture.Grains.GetGrain<IPipelineRunGrain>(IRecurringRunGrain.RunId(done.Id, start.AddHours(hour))).Get();
            Assert.Equal(PipelineRunStatus.Succeeded, run!.Status);
            Assert.Equal(start.AddHours(hour), run.ScheduledAt);
            Assert.Equal(done.Id, run.RecurringRun);
        }
    }

    [Fact]
    public async Task Max_concurrency_holds_ticks_back_until_a_run_ends_and_a_disabled_schedule_makes_none()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var start = fixture.Time.GetUtcNow();
        var recurring = await CreateAsync(world, Long, cron: "0 */10 * * * *", maxConcurrency: 2, startTime: start);

        fixture.Time.Advance(TimeSpan.FromMinutes(50));
        var woken = await recurring.Wake();
        Assert.Equal(2, woken.Triggered);
        Assert.Equal(2, woken.Active.Count);

        // The first run ends: its place goes to the next due tick (catchup: the oldest).
        await fixture.Grains.GetGrain<IPipelineRunGrain>(woken.Active[0]).Stop();
        var third = await Eventually.Until(recurring.Get, v => v!.Triggered == 3, TimeSpan.FromSeconds(60), "a third run");
        // Cron ticks fall on the clock's ten-minute marks: the third one after the start.
        var firstMark = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute / 10 * 10, 0, TimeSpan.Zero).AddMinutes(10);
        Assert.Equal(firstMark.AddMinutes(20), third!.LastTick);

        var disabled = await recurring.Disable();
        Assert.Null(disabled.NextTick);
        fixture.Time.Advance(TimeSpan.FromHours(2));
        foreach (var run in disabled.Active)
        {
            await fixture.Grains.GetGrain<IPipelineRunGrain>(run).Stop();
        }

        await Eventually.Until(recurring.Get, v => v!.Active.Count == 0, TimeSpan.FromSeconds(60), "runs ended");
        Assert.Equal(3, (await recurring.Wake()).Triggered);
    }

    [Fact]
    public async Task Without_catchup_only_the_latest_due_tick_runs()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var start = fixture.Time.GetUtcNow();
        var recurring = await CreateAsync(world, Instant, cron: "*/10 * * * * *", maxConcurrency: 5, startTime: start, noCatchup: true);

        fixture.Time.Advance(TimeSpan.FromSeconds(65));
        var woken = await recurring.Wake();

        Assert.Equal(1, woken.Triggered);
        var latest = woken.LastTick!.Value;
        Assert.True(latest > start.AddSeconds(50) && latest <= start.AddSeconds(65), $"latest tick {latest:O}");
        Assert.Equal(0, latest.Second % 10);
        Assert.Equal(latest.AddSeconds(10), woken.NextTick);
    }

    [Fact]
    public async Task Archiving_the_experiment_archives_its_runs_and_disables_its_recurring_runs()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var recurring = await CreateAsync(world, Instant, intervalSeconds: 60, maxConcurrency: 1, startTime: fixture.Time.GetUtcNow());
        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        var woken = await recurring.Wake();
        var run = fixture.Grains.GetGrain<IPipelineRunGrain>(IRecurringRunGrain.RunId(woken.Id, woken.LastTick!.Value));
        var experiment = fixture.Grains.GetGrain<IExperimentGrain>((await run.Get())!.Experiment!);

        await experiment.Archive();

        Assert.True((await run.Get())!.Archived);
        Assert.False((await recurring.Get())!.Enabled);
        var pipeline = (await run.Get())!.Pipeline;
        var refused = await Assert.ThrowsAsync<DomainException>(() => fixture.Grains.GetGrain<IPipelineRunGrain>(GrainClusterFixture.NewKey("pr")).Create(
            new PipelineRunRequest("late", WorkloadWorld.Owner, world.Group, null, pipeline, null, experiment.GetPrimaryKeyString(), new Dictionary<string, string>(), null)));
        Assert.Equal("experiment-archived", refused.Code);
        await run.Delete();
        Assert.Null(await run.Get());
        await experiment.Delete();
    }

    [Fact]
    public async Task A_malformed_cron_is_refused_saying_what_is_wrong()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var error = await Assert.ThrowsAsync<DomainException>(() => CreateAsync(world, Instant, cron: "61 * * * * *", maxConcurrency: 1, startTime: null));

        Assert.Equal(ErrorKind.Unprocessable, error.Kind);
        Assert.Equal("invalid-trigger", error.Code);
        Assert.Contains("trigger.cron", error.Errors!.Keys);
    }

    /// <summary>
    /// The cycle: the experiment's archive waits on the recurring run's Disable, the recurring run's
    /// wake waits on creating a run, and that run waits on the experiment's AddRun. AddRun
    /// interleaves, so the three finish together (before, AddRun waited out the call timeout and the
    /// run's creation failed); the run, made while the experiment archived, archives itself.
    /// </summary>
    [Fact]
    public async Task Archiving_an_experiment_while_its_recurring_run_creates_a_run_in_it_completes_without_waiting_out_a_timeout()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var start = fixture.Time.GetUtcNow();
        var recurring = await CreateAsync(world, Instant, intervalSeconds: 3600, maxConcurrency: 1, startTime: start);
        var view = (await recurring.Get())!;
        var experiment = fixture.Grains.GetGrain<IExperimentGrain>(view.Request.Experiment);
        var runId = IRecurringRunGrain.RunId(view.Id, start.AddHours(1));
        fixture.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        Task<RecurringRunView> wake;
        Task<ExperimentView> archive;
        var sources = fixture.Faults.Calls(view.Request.Pipeline, nameof(IPipelineGrain.GetSource));
        using (fixture.Faults.Hold(view.Request.Pipeline, nameof(IPipelineGrain.GetSource)))
        {
            // The wake is inside its turn, waiting on the run's creation, which found the experiment
            // active and now waits on the pipeline's source.
            wake = recurring.Wake();
            await Eventually.Until(() => Task.FromResult(fixture.Faults.Calls(view.Request.Pipeline, nameof(IPipelineGrain.GetSource))), n => n > sources,
                TimeSpan.FromSeconds(30), "the run's creation is held");
            // The archive is inside its turn, its cascade on its way to the recurring run's Disable.
            archive = experiment.Archive();
            await Eventually.Until(experiment.Get, e => e!.Status == ExperimentView.Archived, TimeSpan.FromSeconds(30), "the experiment archived");
        }

        await wake;
        await archive;
        var run = (await fixture.Grains.GetGrain<IPipelineRunGrain>(runId).Get())!;
        Assert.True(run.Archived);
        Assert.Equal(PipelineRunStatus.Succeeded, run.Status);
        var after = (await recurring.Get())!;
        Assert.False(after.Enabled);
        Assert.Null(after.LastError);
    }

    private async Task<IRecurringRunGrain> CreateAsync(
        WorkloadWorld world, string yaml, int maxConcurrency, DateTimeOffset? startTime, string? cron = null, long? intervalSeconds = null, bool noCatchup = false)
    {
        var pipeline = GrainClusterFixture.NewKey("pl");
        await fixture.Grains.GetGrain<IPipelineGrain>(pipeline).Create(GrainClusterFixture.NewKey("p"), WorkloadWorld.Owner, world.Group, null, yaml);
        var experiment = GrainClusterFixture.NewKey("ex");
        await fixture.Grains.GetGrain<IExperimentGrain>(experiment).Create(GrainClusterFixture.NewKey("e"), WorkloadWorld.Owner, world.Group, null, null);
        var recurring = fixture.Grains.GetGrain<IRecurringRunGrain>(GrainClusterFixture.NewKey("rr"));
        await recurring.Create(new RecurringRunRequest("sched", WorkloadWorld.Owner, world.Group, null, pipeline, null, experiment,
            new Dictionary<string, string>(), cron, intervalSeconds, startTime, null, maxConcurrency, noCatchup, true, world.Cluster));
        return recurring;
    }
}
