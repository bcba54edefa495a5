using DKube.Abstractions.Monitors;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Tests.Workloads;

namespace DKube.Grains.Tests.Monitors;

/// <summary>
/// An alert's retraining action: a firing starts a real run from the template as the monitor's
/// child, a firing while it runs starts none, the run's end (an event) promotes the version it
/// made to the deployment through its model change, the version's lineage names the monitor, the
/// alert and the run, and a redelivered end changes nothing.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class MonitorRetrainingTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_firing_alert_retrains_once_at_a_time_and_its_runs_model_version_is_promoted_with_lineage()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        var id = monitor.GetPrimaryKeyString();
        // The run waits for a mark, so the alert can fire again while it runs.
        var release = Path.Combine(world.World.Marks, $"release-{id}");
        var template = world.World.Run($"while [ ! -e {release} ]; do sleep 0.1; done; echo retrained > $DKUBE_OUTPUT_DIR/model.txt",
            output: new OutputRef(RepoKinds.Model, "m", world.Model));
        await world.CreateAsync(monitor, world.Spec(s => s with
        {
            Alerts = [new AlertSpec("shift", MonitorKinds.Drift, [new AlertConditionSpec("drift_share", ">=", 0.5)], 1, null, new AlertRetrain("t-1", true, template))],
        }));

        async Task DriftAsync(double shift, int seed)
        {
            await world.TrafficAsync(200, shift, seed);
            fixture.Time.Advance(TimeSpan.FromMinutes(1));
            Assert.Single(await monitor.Evaluate(MonitorKinds.Drift));
        }

        await DriftAsync(0.6, 41);
        var started = Assert.Single((await monitor.Get())!.Retrainings!);
        Assert.Equal(($"{id}-r1", "shift", MonitorRetraining.Running), (started.Run, started.Alert, started.State));
        var run = fixture.Grains.GetGrain<IWorkloadGrain>(started.Run);
        Assert.Equal(("monitor", id, "shift"), ((await run.Get())!.Parent!.Kind, (await run.Get())!.Parent!.Id, (await run.Get())!.Parent!.Cause));

        // Resolved and fired again while the run is under way: no second retraining.
        await DriftAsync(0, 42);
        await DriftAsync(0.6, 43);
        Assert.Equal(2, (await world.Records.ReadAlertsAsync(id, 10)).Count(a => a.State == MonitorKinds.Firing));
        Assert.Equal(started.Run, Assert.Single((await monitor.Get())!.Retrainings!).Run);

        await File.WriteAllTextAsync(release, "");
        var ended = await WorkloadWorld.FinalAsync(run);
        Assert.Equal((WorkloadStatus.Complete, 2), (ended.Status, ended.OutputVersion));
        var promoted = (await Eventually.Until(monitor.Get, v => !v!.Retrainings!.Single().InFlight, TimeSpan.FromSeconds(60), "the retraining concluded"))!
            .Retrainings!.Single();
        Assert.Equal((MonitorRetraining.Promoted, 2, null), (promoted.State, promoted.Version, promoted.Reason));
        var deployment = fixture.Grains.GetGrain<IDeploymentGrain>(world.Deployment);
        var moved = (await deployment.Get())!;
        Assert.Equal((world.Model, 2), (moved.Model.RepoId, moved.Model.Version));
        Assert.Equal((1, 2), (moved.History[^1].FromVersion, moved.History[^1].ToVersion));

        // The version names its run and what started it.
        var lineage = (await fixture.Grains.GetGrain<IDataRepoGrain>(world.Model).GetVersion(2))!.Lineage!;
        Assert.Equal(started.Run, lineage.RunId);
        Assert.Equal(new LineageTrigger("monitor", id, "shift"), lineage.Trigger);

        // At least once: the end told again changes nothing.
        await monitor.WorkloadEnded(ended);
        Assert.Equal(promoted, Assert.Single((await monitor.Get())!.Retrainings!));
        Assert.Equal(moved.History.Count, (await deployment.Get())!.History.Count);

        // Once it has ended, the next firing retrains again (a new run, the next version).
        await DriftAsync(0, 44);
        await DriftAsync(0.6, 45);
        var next = (await Eventually.Until(monitor.Get, v => v!.Retrainings!.Count == 2 && !v.Retrainings[1].InFlight, TimeSpan.FromSeconds(90), "the second retraining"))!
            .Retrainings![1];
        Assert.Equal(($"{id}-r2", MonitorRetraining.Promoted, 3), (next.Run, next.State, next.Version));
        Assert.Equal(3, (await deployment.Get())!.Model.Version);
    }

    [Fact]
    public async Task A_retraining_template_that_does_not_output_a_model_is_refused()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        var template = world.World.Run("true", output: new OutputRef(RepoKinds.Dataset, "d", world.Dataset));

        var refused = await Assert.ThrowsAsync<DKube.Abstractions.Errors.DomainException>(() => world.CreateAsync(monitor, world.Spec(s => s with
        {
            Alerts = [new AlertSpec("shift", MonitorKinds.Drift, [new AlertConditionSpec("drift_share", ">=", 0.5)], 1, null, new AlertRetrain("t-1", true, template))],
        })));

        Assert.Equal("invalid-retrain", refused.Code);
        Assert.Null(await monitor.Get());
    }
}
