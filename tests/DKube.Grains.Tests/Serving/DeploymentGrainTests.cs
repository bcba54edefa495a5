using DKube.Abstractions.Clusters;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Serving;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Tests.Workloads;

namespace DKube.Grains.Tests.Serving;

/// <summary>
/// The deployment grain's replica mechanics with real replica processes (the local executor) on
/// the fixture's fake clock: the autoscaler's decisions become replicas, a crashed replica is
/// replaced, a model change keeps the old replicas serving until the new ones are ready, bad
/// bounds are refused, a reactivated deployment adopts its replicas without making more, and a
/// replica that never gets an address is replaced after the progress deadline (its wait for GPUs
/// not counted), a bounded number of times.
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

    [Fact]
    public async Task A_replica_never_started_is_replaced_after_the_progress_deadline_its_wait_for_gpus_not_counted_and_the_third_is_an_error()
    {
        var world = await DeploymentWorld.CreateAsync(fixture);
        var deadline = TimeSpan.FromMinutes(10);
        // Every GPU of the group is taken by a running job: a replica of one GPU waits in the pool.
        var blocker = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("r"));
        await blocker.Create(WorkloadType.Run, world.Workloads.Run("sleep 600") with { Gpus = 4 }, WorkloadWorld.Owner, null, null);
        await WorkloadAsync(blocker.GetPrimaryKeyString());
        // From now on the cluster's executor never starts anything: each start fails as if its silo were away.
        fixture.Faults.FailBefore(world.Workloads.Cluster, nameof(IClusterAgentGrain.Submit),
            [.. Enumerable.Range(0, 2000).Select(_ => new SiloUnavailableException("the executor's silo is away"))]);
        var deployment = NewDeployment();
        var created = await deployment.Create(world.Spec(min: 1, max: 1) with { Gpus = 1 }, "ann");
        var first = created.ReplicaList.Single().WorkloadId;
        var queued = (await fixture.Grains.GetGrain<IWorkloadGrain>(first).Get())!;

        // Half again the deadline in the pool's queue: that is GPU queueing, not a failure.
        var queuedUntil = fixture.Time.GetUtcNow() + deadline * 1.5;
        var waited = await world.SettleAsync(deployment, _ => fixture.Time.GetUtcNow() >= queuedUntil, "time passing in the queue", TimeSpan.FromSeconds(30));

        // The GPUs come free: the replica is admitted (an event), and its executor never starts it.
        await blocker.Stop();
        var admitted = await world.SettleAsync(deployment, v => v.ReplicaList.Single().AdmittedAt is not null, "the replica admitted");
        var admittedAt = admitted.ReplicaList.Single().AdmittedAt!.Value;
        var replaced = await world.SettleAsync(deployment, v => v.ReplicaList.All(r => r.WorkloadId != first), "the first replica replaced", TimeSpan.FromSeconds(30));
        var replacedAt = fixture.Time.GetUtcNow();
        var failed = await world.SettleAsync(deployment, v => v.Status == DeploymentStatus.Error, "the deployment in error", TimeSpan.FromSeconds(30));

        Assert.Equal(WorkloadStatus.WaitingForGpus, queued.Status);
        Assert.Equal((DeploymentStatus.Starting, null), (waited.Status, waited.Reason));
        Assert.Equal([first], waited.ReplicaList.Select(r => r.WorkloadId));
        Assert.Null(waited.ReplicaList.Single().AdmittedAt);
        Assert.InRange(replacedAt - admittedAt, deadline, deadline + TimeSpan.FromMinutes(1));
        Assert.Equal(DeploymentStatus.Starting, replaced.Status);
        Assert.Contains($"replica {first} never got an address within 600 s of its admission (its workload is Starting", replaced.Reason);
        Assert.Contains("replaced (1 of 3 attempts)", replaced.Reason);
        Assert.Equal([$"{created.Id}-r2"], replaced.ReplicaList.Select(r => r.WorkloadId));
        Assert.Contains("never got an address", failed.Reason);
        Assert.Contains("(3 replicas in a row)", failed.Reason);
        Assert.Empty(failed.ReplicaList);
        Assert.Empty((await deployment.GetRoutes())!.Targets);
        // Three replicas were made, no fourth; each was stopped.
        Assert.Null(await fixture.Grains.GetGrain<IWorkloadGrain>($"{created.Id}-r4").Get());
        foreach (var n in new[] { 1, 2, 3 })
        {
            Assert.True((await fixture.Grains.GetGrain<IWorkloadGrain>($"{created.Id}-r{n}").Get())!.Status is WorkloadStatus.Stopping or WorkloadStatus.Stopped);
        }

        await deployment.Delete();
    }

    [Fact]
    public async Task A_runtime_that_runs_but_never_answers_ready_is_an_error_with_its_log_once_the_ready_timeout_from_its_address_passes()
    {
        var world = await DeploymentWorld.CreateAsync(fixture);
        world.Hold(1);
        var deployment = NewDeployment();
        await deployment.Create(world.Spec(min: 1, max: 1), "ann");
        var addressed = await world.SettleAsync(deployment, v => v.ReplicaList.Single().Url is not null, "the replica addressed");
        var addressedAt = fixture.Time.GetUtcNow();
        var failed = await world.SettleAsync(deployment, v => v.Status == DeploymentStatus.Error, "the deployment in error", TimeSpan.FromSeconds(10));
        var failedAt = fixture.Time.GetUtcNow();
        world.Release(1);

        Assert.Contains("did not answer", failed.Reason);
        Assert.Contains("within 180 s", failed.Reason);
        // Its log, as the issue asks: what the runtime printed.
        Assert.Contains("replica server of version 1 listening", failed.Reason);
        // Counted from its address, not its creation (the wait before is the progress deadline's).
        Assert.InRange(failedAt - addressedAt, TimeSpan.FromSeconds(180), TimeSpan.FromSeconds(180 + 120));
        Assert.Empty(failed.ReplicaList);
        Assert.Empty((await deployment.GetRoutes())!.Targets);
        Assert.Equal(WorkloadStatus.Stopped, (await WorkloadAsync(addressed.ReplicaList[0].WorkloadId)).Status);
        await deployment.Delete();
    }

    private IDeploymentGrain NewDeployment() => fixture.Grains.GetGrain<IDeploymentGrain>(GrainClusterFixture.NewKey("d"));

    private async Task<WorkloadView> WorkloadAsync(string id) =>
        (await Eventually.Until(() => fixture.Grains.GetGrain<IWorkloadGrain>(id).Get(), v => v!.Status.IsFinal() || v.Status == WorkloadStatus.Running,
            TimeSpan.FromSeconds(60), $"workload {id} running or ended"))!;
}
