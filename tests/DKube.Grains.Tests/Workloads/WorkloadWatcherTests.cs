using DKube.Abstractions.Errors;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;

namespace DKube.Grains.Tests.Workloads;

/// <summary>
/// A parent learns of a child run's end from an event: once the end is stored, retried while the
/// parent cannot be reached, and again after a restart that came before the delivery.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class WorkloadWatcherTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_child_that_ends_tells_its_parent_with_its_final_view()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var (watcher, parent) = NewParent();
        var child = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("t"));

        var created = await child.CreateChild(WorkloadType.Run, world.Run("exit 3"), WorkloadWorld.Owner, parent);
        Assert.Equal(parent, created.Parent);
        // The API shows the parent as {kind, id}; the watcher's grain id is wiring, never shown.
        var json = System.Text.Json.JsonSerializer.Serialize(created, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        Assert.Contains($"\"parent\":{{\"kind\":\"test\",\"id\":\"{parent.Id}\"}}", json);

        var told = await ToldAsync(watcher, 1);
        Assert.Equal(created.Id, told[0].Id);
        Assert.Equal(WorkloadStatus.Failed, told[0].Status);
        Assert.Equal(3, told[0].ExitCode);
        Assert.Equal(parent, told[0].Parent);
    }

    [Fact]
    public async Task An_end_the_parent_could_not_take_is_told_again_until_it_does()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var (watcher, parent) = NewParent();
        // Its silo is away twice when the first ends, as during a restart.
        fixture.Faults.FailBefore(watcher.GetPrimaryKeyString(), nameof(IWorkloadWatcher.WorkloadEnded),
            new SiloUnavailableException("the parent's silo died"), new TimeoutException("no answer in time"));
        var child = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("t"));

        await child.CreateChild(WorkloadType.Run, world.Run("true"), WorkloadWorld.Owner, parent);

        var told = await ToldAsync(watcher, 1);
        Assert.Equal(WorkloadStatus.Complete, told[0].Status);
        Assert.Equal(3, fixture.Faults.Calls(watcher.GetPrimaryKeyString(), nameof(IWorkloadWatcher.WorkloadEnded)));
    }

    [Fact]
    public async Task A_child_activated_again_after_it_told_its_parent_does_not_tell_it_twice()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var (watcher, parent) = NewParent();
        var id = GrainClusterFixture.NewKey("t");
        var child = fixture.Grains.GetGrain<IWorkloadGrain>(id);
        await child.CreateChild(WorkloadType.Run, world.Run("true"), WorkloadWorld.Owner, parent);
        await ToldAsync(watcher, 1);

        // Only a stored delivery mark keeps a new activation from telling it again.
        await Eventually.Until(async () => fixture.Faults.Calls(id, nameof(IWorkloadGrain.WatcherTold)), n => n >= 1, TimeSpan.FromSeconds(30), "delivery noted");
        await fixture.DeactivateAsync(child);
        Assert.Equal(WorkloadStatus.Complete, (await child.Get())!.Status);
        // A second, later child of the same parent proves deliveries still flow: the first is not among them again.
        var second = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("t"));
        await second.CreateChild(WorkloadType.Run, world.Run("true"), WorkloadWorld.Owner, parent);
        var told = await ToldAsync(watcher, 2);
        Assert.Equal(2, told.Count);
        Assert.Single(told, v => v.Id == id);
    }

    [Fact]
    public async Task Creating_a_child_again_is_idempotent_and_another_parent_is_a_conflict()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var (_, parent) = NewParent();
        var child = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("t"));
        var spec = world.Run("sleep 30");

        var first = await child.CreateChild(WorkloadType.Run, spec, WorkloadWorld.Owner, parent);
        var again = await child.CreateChild(WorkloadType.Run, spec, WorkloadWorld.Owner, parent);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.CreatedAt, again.CreatedAt);

        var (_, other) = NewParent();
        var conflict = await Assert.ThrowsAsync<DomainException>(() => child.CreateChild(WorkloadType.Run, spec, WorkloadWorld.Owner, other));
        Assert.Equal(ErrorKind.Conflict, conflict.Kind);
        await child.Stop();
    }

    [Fact]
    public async Task A_serving_child_tells_its_parent_where_it_is_reached_again_until_delivered_and_not_again_after_a_reactivation()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var (watcher, parent) = NewParent();
        fixture.Faults.FailBefore(watcher.GetPrimaryKeyString(), nameof(IWorkloadServingWatcher.WorkloadServing), new SiloUnavailableException("the parent's silo died"));
        var id = GrainClusterFixture.NewKey("t");
        var child = fixture.Grains.GetGrain<IWorkloadGrain>(id);
        // Work of kind inference serves HTTP: its executor gives it PORT and reports where it listens.
        var spec = world.Run("exec /usr/bin/python3 -m http.server \"$PORT\" --bind \"$DKUBE_BIND_ADDRESS\"") with { Kind = "inference", Gpus = 0 };

        await child.CreateChild(WorkloadType.Run, spec, WorkloadWorld.Owner, parent);
        var told = (await Eventually.Until(watcher.ToldServing, t => t.Any(v => v.Endpoint is not null), TimeSpan.FromSeconds(90), "the parent was told the endpoint"))
            .Single(v => v.Endpoint is not null);
        using var http = new HttpClient();
        var answer = await Eventually.Until(async () => await http.TryGetStringAsync(told.Endpoint!), a => a is not null, TimeSpan.FromSeconds(60), "the child to answer");
        // Two deliveries noted: the admission's and the endpoint's.
        await Eventually.Until(async () => fixture.Faults.Calls(id, nameof(IWorkloadGrain.ServingTold)), n => n >= 2, TimeSpan.FromSeconds(30), "deliveries noted");
        await fixture.DeactivateAsync(child);
        var running = (await child.Get())!;
        await child.Stop();
        await ToldAsync(watcher, 1);

        Assert.Equal(WorkloadStatus.Running, told.Status);
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", told.Endpoint);
        Assert.Equal(running.Endpoint, told.Endpoint);
        Assert.Contains("Directory listing", answer);
        // The admission (Starting, no endpoint yet: a deployment's progress deadline starts) and the
        // endpoint, each once, plus the one delivery that failed; none again after the reactivation.
        Assert.Equal(3, fixture.Faults.Calls(watcher.GetPrimaryKeyString(), nameof(IWorkloadServingWatcher.WorkloadServing)));
        var all = await watcher.ToldServing();
        Assert.Equal(2, all.Count);
        Assert.Single(all, v => v is { Status: WorkloadStatus.Starting, Endpoint: null });
    }

    /// <summary>A run that does not serve HTTP has no endpoint, so its parent hears only of its end.</summary>
    [Fact]
    public async Task A_child_that_serves_nothing_tells_only_its_end()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var (watcher, parent) = NewParent();
        var child = fixture.Grains.GetGrain<IWorkloadGrain>(GrainClusterFixture.NewKey("t"));

        await child.CreateChild(WorkloadType.Run, world.Run("sleep 1"), WorkloadWorld.Owner, parent);
        await ToldAsync(watcher, 1);

        Assert.Empty(await watcher.ToldServing());
    }

    private (IRecordingWatcherGrain Watcher, WorkloadParent Parent) NewParent()
    {
        var watcher = fixture.Grains.GetGrain<IRecordingWatcherGrain>(GrainClusterFixture.NewKey("p"));
        return (watcher, new WorkloadParent("test", watcher.GetPrimaryKeyString(), watcher.GetGrainId()));
    }

    private static async Task<IReadOnlyList<WorkloadView>> ToldAsync(IRecordingWatcherGrain watcher, int count) =>
        await Eventually.Until(watcher.Told, t => t.Count >= count, TimeSpan.FromSeconds(90), $"the parent was told of {count} end(s)");
}
