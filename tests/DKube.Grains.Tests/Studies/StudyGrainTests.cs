using System.Globalization;
using DKube.Abstractions.Studies;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Tests.Workloads;

namespace DKube.Grains.Tests.Studies;

/// <summary>
/// The study grain drives real trial runs (local processes) and learns of their ends from events;
/// across deactivations and failed creations no trial is lost, none runs twice and counts stay exact.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class StudyGrainTests(GrainClusterFixture fixture)
{
    private static string Tuning(int parallel, int max, int maxFailed = 3) => $$"""
        spec:
          objective: {type: minimize, objectiveMetricName: loss}
          algorithm:
            algorithmName: random
            algorithmSettings: [{name: random_state, value: "5"}]
          parallelTrialCount: {{parallel}}
          maxTrialCount: {{max}}
          maxFailedTrialCount: {{maxFailed}}
          parameters:
            - name: x
              parameterType: double
              feasibleSpace: {min: "0", max: "1"}
          trialTemplate:
            trialParameters: [{name: x, reference: x}]
        """;

    [Fact]
    public async Task A_study_deactivated_while_its_trials_run_loses_none_runs_none_twice_and_counts_exactly()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var study = fixture.Grains.GetGrain<IStudyGrain>(GrainClusterFixture.NewKey("s"));
        var created = await study.Create(WorkloadWorld.Owner, world.Run("sleep 1; echo loss=${trialParameters.x}"), Tuning(parallel: 2, max: 5));
        Assert.Equal(2, created.Trials.Count);

        // Away twice while trials run and end: their ends re-activate it.
        await fixture.DeactivateAsync(study);
        await Eventually.Until(study.Get, v => v!.Trials.Count >= 3, TimeSpan.FromSeconds(90), "a third trial");
        await fixture.DeactivateAsync(study);
        var ended = (await Eventually.Until(study.Get, v => v!.Status != StudyStatus.Running, TimeSpan.FromSeconds(120), "the study ended"))!;

        Assert.Equal(StudyStatus.Complete, ended.Status);
        Assert.Equal(5, ended.Trials.Count);
        Assert.All(ended.Trials, t =>
        {
            Assert.Equal(WorkloadStatus.Complete, t.Status);
            Assert.Equal(1, world.StartsOf(t.Run));
            Assert.Equal(double.Parse(t.Parameters["x"], CultureInfo.InvariantCulture), t.Objective!.Value, 9);
        });
        Assert.Equal(5, ended.Trials.Select(t => t.Parameters["x"]).Distinct().Count());
        Assert.Null(await fixture.Grains.GetGrain<IWorkloadGrain>($"{ended.Id}-t5").Get());
        Assert.Equal(ended.Trials.Min(t => t.Objective), ended.Best!.Objective);
    }

    [Fact]
    public async Task A_trial_whose_run_was_not_created_is_created_on_recovery_with_its_stored_parameters()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var key = GrainClusterFixture.NewKey("s");
        var study = fixture.Grains.GetGrain<IStudyGrain>(key);
        // The first trial's create fails as if the run's silo died: the trial is stored, its run is not.
        fixture.Faults.FailBefore($"{key}-t0", nameof(IWorkloadGrain.CreateChild), new SiloUnavailableException("test"));

        var created = await study.Create(WorkloadWorld.Owner, world.Run("echo loss=${trialParameters.x}"), Tuning(parallel: 1, max: 2));
        Assert.False(created.Trials[0].Created);
        Assert.Null(await fixture.Grains.GetGrain<IWorkloadGrain>($"{key}-t0").Get());

        await fixture.DeactivateAsync(study);
        var ended = (await Eventually.Until(study.Get, v => v!.Status != StudyStatus.Running, TimeSpan.FromSeconds(90), "the study ended"))!;

        Assert.Equal(created.Trials[0].Parameters["x"], ended.Trials[0].Parameters["x"]);
        Assert.Equal(2, ended.Trials.Count);
        Assert.All(ended.Trials, t => Assert.Equal(1, world.StartsOf(t.Run)));
    }

    [Fact]
    public async Task Failed_trials_end_the_study_at_max_failed_trial_count()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var study = fixture.Grains.GetGrain<IStudyGrain>(GrainClusterFixture.NewKey("s"));

        await study.Create(WorkloadWorld.Owner, world.Run("exit 1 # ${trialParameters.x}"), Tuning(parallel: 1, max: 10, maxFailed: 2));
        var ended = (await Eventually.Until(study.Get, v => v!.Status != StudyStatus.Running, TimeSpan.FromSeconds(90), "the study ended"))!;

        Assert.Equal(StudyStatus.Failed, ended.Status);
        Assert.Equal(2, ended.Trials.Count);
        Assert.Null(ended.Best);
    }

    [Fact]
    public async Task Trials_are_added_only_while_the_pool_has_free_gpus_for_them()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        // Another user's run holds 3 of the pool's 4 GPUs.
        var other = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("o"));
        await other.Create(WorkloadType.Run, world.Run("sleep 600") with { Gpus = 3 }, "bob", null, null);
        await Eventually.Until(other.Get, v => v!.Status == WorkloadStatus.Running, TimeSpan.FromSeconds(60));
        var study = fixture.Grains.GetGrain<IStudyGrain>(GrainClusterFixture.NewKey("s"));

        var created = await study.Create(WorkloadWorld.Owner, world.Run("sleep 2; echo loss=${trialParameters.x}"), Tuning(parallel: 3, max: 4));
        Assert.Single(created.Trials);

        // With the other run gone, the study widens to its parallelTrialCount.
        await other.Stop();
        var ended = (await Eventually.Until(study.Get, v => v!.Status != StudyStatus.Running, TimeSpan.FromSeconds(120), "the study ended"))!;
        Assert.Equal(4, ended.Trials.Count);
        Assert.Equal(StudyStatus.Complete, ended.Status);
    }
}
