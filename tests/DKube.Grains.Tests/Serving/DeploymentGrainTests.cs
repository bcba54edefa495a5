using DKube.Abstractions.Errors;
using DKube.Abstractions.Serving;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;

namespace DKube.Grains.Tests.Serving;

/// <summary>
/// The deployment grain's replica mechanics with real replica processes (the local executor) on
/// the fixture's fake clock: the autoscaler's decisions become replicas, a crashed replica is
/// replaced, a model change keeps the old replicas serving until the new ones are ready, bad
/// bounds are refused, and a reactivated deployment adopts its replicas without making more.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class DeploymentGrainTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task The_autoscalers_decisions_are_applied_up_under_load_and_back_down_when_it_stops()
    {
        var world = await DeploymentWorld.CreateAsync(fixture);
        var deployment = NewDeployment();
        await deployment.Create(world.Spec(min: 1, max: 3), "ann");
        await world.SettleAsync(deployment, v => v.Status == DeploymentStatus.Running, "the first replica ready");

        // 35 requests in flight for a target of 10 per replica: 4 wanted, bounded by max 3.
        var up = await world.SettleAsync(deployment, v => v.Replicas is { Desired: 3, Ready: 3 }, "three replicas serving",
            eachStep: () => deployment.ReportLoad("gateway-1", 35));
        var routes = (await deployment.GetRoutes())!;
        var scale = await deployment.GetScaleState();
        var down = await world.SettleAsync(deployment, v => v.Replicas.Desired == 1 && v.ReplicaList.Count == 1, "back to one replica",
            TimeSpan.FromSeconds(2), () => deployment.ReportLoad("gateway-1", 0));
        var gone = up.ReplicaList.Where(r => r.WorkloadId != down.ReplicaList[0].WorkloadId).ToList();

        Assert.Equal(3, up.ReplicaList.Count(r => r.Ready && !r.Draining));
        Assert.Equal(3, routes.Targets.Count);
        Assert.Equal(3, scale.DesiredReplicas);
        Assert.Equal(2, gone.Count);
        foreach (var replica in gone)
        {
            Assert.Equal(WorkloadStatus.Stopped, (await WorkloadAsync(replica.WorkloadId)).Status);
        }

        Assert.Equal(WorkloadStatus.Running, (await WorkloadAsync(down.ReplicaList[0].WorkloadId)).Status);
        await deployment.Delete();
    }

    [Fact]
    public async Task A_replica_that_crashes_is_replaced_by_a_new_one_that_serves()
    {
        var world = await DeploymentWorld.CreateAsync(fixture);
        var deployment = NewDeployment();
        await deployment.Create(world.Spec(min: 1, max: 1), "ann");
        var running = await world.SettleAsync(deployment, v => v.Replicas.Ready == 1, "the replica ready");
        var first = running.ReplicaList.Single();

        using var http = new HttpClient();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync(first.Url + "/crash"));
        var replaced = await world.SettleAsync(deployment, v => v.Replicas.Ready == 1 && v.ReplicaList.All(r => r.WorkloadId != first.WorkloadId),
            "a new replica serving");
        var second = replaced.ReplicaList.Single();

        Assert.Equal(WorkloadStatus.Failed, (await WorkloadAsync(first.WorkloadId)).Status);
        Assert.Equal(3, (await WorkloadAsync(first.WorkloadId)).ExitCode);
        Assert.Equal(DeploymentStatus.Running, replaced.Status);
        Assert.Contains("replaced", replaced.Reason);
        Assert.Equal("1", await http.GetStringAsync(second.Url + "/"));
        Assert.Equal(second.WorkloadId, Assert.Single((await deployment.GetRoutes())!.Targets).ReplicaId);
        await deployment.Delete();
    }

    [Fact]
    public async Task A_model_change_keeps_the_old_replicas_serving_until_the_new_ones_are_ready_then_drains_them()
    {
        var world = await DeploymentWorld.CreateAsync(fixture);
        var deployment = NewDeployment();
        await deployment.Create(world.Spec(min: 2, max: 2), "ann");
        var before = await world.SettleAsync(deployment, v => v.Replicas.Ready == 2, "two replicas of version 1");
        world.Hold(2);

        var updating = await deployment.Update(new DeploymentChange(world.Model(2), null, null, null));
        // The new replicas run but answer 503: many probe intervals later the old ones still serve.
        await world.SettleAsync(deployment, v => v.ReplicaList.Count(r => r.ModelVersion == 2 && r.Url is not null) == 2,
            "two replicas of version 2 addressed");
        for (var i = 0; i < 20; i++)
        {
            fixture.Time.Advance(TimeSpan.FromMilliseconds(250));
        }

        var held = (await deployment.Get())!;
        var routesWhileHeld = (await deployment.GetRoutes())!;
        world.Release(2);
        var switched = await world.SettleAsync(deployment, v => v.Status == DeploymentStatus.Running && v.ReplicaList.All(r => r.ModelVersion == 2),
            "version 2 serving alone");
        var routesAfter = (await deployment.GetRoutes())!;

        Assert.Equal(DeploymentStatus.Updating, updating.Status);
        Assert.Equal(DeploymentStatus.Updating, held.Status);
        Assert.Equal(2, held.ReplicaList.Count(r => r.ModelVersion == 1 && r.Ready && !r.Draining));
        Assert.DoesNotContain(held.ReplicaList, r => r.ModelVersion == 2 && r.Ready);
        Assert.Equal(before.ReplicaList.Select(r => r.WorkloadId).Order(), routesWhileHeld.Targets.Select(t => t.ReplicaId).Order());
        Assert.Equal(1, routesWhileHeld.ModelVersion);
        Assert.Equal(2, routesAfter.ModelVersion);
        Assert.Equal(switched.ReplicaList.Select(r => r.WorkloadId).Order(), routesAfter.Targets.Select(t => t.ReplicaId).Order());
        Assert.NotNull(switched.History[^1].ServingSince);
        foreach (var old in before.ReplicaList)
        {
            Assert.Equal(WorkloadStatus.Stopped, (await WorkloadAsync(old.WorkloadId)).Status);
        }

        await deployment.Delete();
    }

    [Fact]
    public async Task More_min_than_max_replicas_is_refused_and_leaves_nothing_behind()
    {
        var world = await DeploymentWorld.CreateAsync(fixture);
        var deployment = NewDeployment();

        var refused = await Assert.ThrowsAsync<DomainException>(() => deployment.Create(world.Spec(min: 3, max: 2), "ann"));
        var nothing = await deployment.Get();
        var created = await deployment.Create(world.Spec(min: 1, max: 2), "ann");
        var refusedChange = await Assert.ThrowsAsync<DomainException>(() => deployment.Update(new DeploymentChange(null, 3, null, null)));
        var after = (await deployment.Get())!;

        Assert.Equal(ErrorKind.Invalid, refused.Kind);
        Assert.Null(nothing);
        Assert.Equal(ErrorKind.Invalid, refusedChange.Kind);
        Assert.Equal(1, after.Spec.MinReplicas);
        Assert.Equal(2, after.Spec.MaxReplicas);
        Assert.Equal(created.Replicas.Desired, after.Replicas.Desired);
        await deployment.Delete();
    }

    [Fact]
    public async Task A_deployment_reactivated_while_its_replicas_start_and_after_adopts_them_and_makes_no_more()
    {
        var world = await DeploymentWorld.CreateAsync(fixture);
        var id = GrainClusterFixture.NewKey("d");
        var deployment = fixture.Grains.GetGrain<IDeploymentGrain>(id);
        var created = await deployment.Create(world.Spec(min: 2, max: 2), "ann");

        // Away while its replicas start: their endpoints reach the new activation, which probes them.
        await fixture.DeactivateAsync(deployment);
        var ready = await world.SettleAsync(deployment, v => v.Replicas.Ready == 2, "two replicas ready");
        await fixture.DeactivateAsync(deployment);
        var again = await world.SettleAsync(deployment, v => v.Replicas.Ready == 2, "still two after a second reactivation", TimeSpan.FromSeconds(2));
        for (var i = 0; i < 5; i++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(2));
        }

        var later = (await deployment.Get())!;

        var ids = created.ReplicaList.Select(r => r.WorkloadId).Order().ToList();
        Assert.Equal([$"{id}-r1", $"{id}-r2"], ids);
        Assert.Equal(ids, ready.ReplicaList.Select(r => r.WorkloadId).Order());
        Assert.Equal(ids, again.ReplicaList.Select(r => r.WorkloadId).Order());
        Assert.Equal(ids, later.ReplicaList.Select(r => r.WorkloadId).Order());
        Assert.Null(await fixture.Grains.GetGrain<IWorkloadGrain>($"{id}-r3").Get());
        Assert.Equal(2, (await deployment.GetRoutes())!.Targets.Count);
        await deployment.Delete();
    }

    private IDeploymentGrain NewDeployment() => fixture.Grains.GetGrain<IDeploymentGrain>(GrainClusterFixture.NewKey("d"));

    private async Task<WorkloadView> WorkloadAsync(string id) =>
        (await Eventually.Until(() => fixture.Grains.GetGrain<IWorkloadGrain>(id).Get(), v => v!.Status.IsFinal() || v.Status == WorkloadStatus.Running,
            TimeSpan.FromSeconds(60), $"workload {id} running or ended"))!;
}
