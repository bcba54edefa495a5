using System.Collections.Concurrent;
using DKube.Abstractions.Live;
using DKube.Grains.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Grains.Tests.Live;

/// <summary>The hub's fan-out to API processes' observers, and a group's utilization roll-up and history.</summary>
[Collection(GrainCollection.Name)]
public sealed class LiveGrainTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task The_hub_numbers_events_in_order_and_forwards_each_to_every_subscribed_process()
    {
        var hub = fixture.Grains.GetGrain<ILiveHubGrain>(ILiveHubGrain.Key);
        var (first, second) = (new Recorder(), new Recorder());
        var firstRef = fixture.Grains.CreateObjectReference<ILiveObserver>(first);
        var secondRef = fixture.Grains.CreateObjectReference<ILiveObserver>(second);
        await hub.Subscribe(firstRef);
        await hub.Subscribe(secondRef);
        var group = GrainClusterFixture.NewKey("g");

        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await hub.PublishAll([new LivePublication(LiveTopics.Pools, LiveScope.OfGroup(group), new PoolFigures(group, 4, i, 4 - i, 0))]));
        }

        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        await Eventually.TrueAsync(() => first.Of(group).Count == 5 && second.Of(group).Count == 5, "both observers to get the five events");
        // One-way calls may overtake each other on the way (the API process's feed puts them back in order by id).
        Assert.Equal(ids, first.Of(group).Select(e => e.Id).Order());
        Assert.Equal([0, 1, 2, 3, 4], second.Of(group).OrderBy(e => e.Id).Select(e => ((PoolFigures)e.Payload).Used));

        // Unsubscribed: no more events for that process.
        await hub.Unsubscribe(secondRef);
        await hub.PublishAll([new LivePublication(LiveTopics.Pools, LiveScope.OfGroup(group), new PoolFigures(group, 4, 9, 0, 0))]);
        await Eventually.TrueAsync(() => first.Of(group).Count == 6, "the first observer to get the sixth event");
        Assert.Equal(5, second.Of(group).Count);
        await hub.Unsubscribe(firstRef);
    }

    [Fact]
    public async Task The_hubs_ids_are_consecutive_however_much_time_passes_between_events_so_an_api_process_waits_for_no_hole()
    {
        var hub = fixture.Grains.GetGrain<ILiveHubGrain>(ILiveHubGrain.Key);
        var recorder = new Recorder();
        var observer = fixture.Grains.CreateObjectReference<ILiveObserver>(recorder);
        await hub.Subscribe(observer);
        var group = GrainClusterFixture.NewKey("g");

        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            // Each event in a later millisecond of the hub's clock (ids that followed the clock jumped here).
            fixture.Time.Advance(TimeSpan.FromMilliseconds(3));
            ids.Add(await hub.PublishAll([new LivePublication(LiveTopics.Pools, LiveScope.OfGroup(group), new PoolFigures(group, 4, i, 4 - i, 0))]));
        }

        // Other tests' events may come between ours, but every id in between is an event the observer
        // gets: no hole, so the feed hands each event over as it comes instead of waiting for a missing one.
        await Eventually.TrueAsync(
            () => Enumerable.Range(0, (int)(ids[^1] - ids[0]) + 1).All(i => recorder.Has(ids[0] + i)),
            "every id from the first event to the last to reach the observer");
        await hub.Unsubscribe(observer);
    }

    [Fact]
    public async Task A_silos_publisher_returns_at_once_and_delivers_every_event_in_the_order_it_was_published()
    {
        var hub = fixture.Grains.GetGrain<ILiveHubGrain>(ILiveHubGrain.Key);
        var recorder = new Recorder();
        var observer = fixture.Grains.CreateObjectReference<ILiveObserver>(recorder);
        await hub.Subscribe(observer);
        var group = GrainClusterFixture.NewKey("g");
        var live = fixture.Services.GetRequiredService<ILiveEvents>();

        const int Count = 3_000;
        for (var i = 0; i < Count; i++)
        {
            // Queued, not sent: the caller never waits for the hub.
            Assert.True(live.Publish(LiveTopics.Pools, LiveScope.OfGroup(group), new PoolFigures(group, Count, i, Count - i, 0)).IsCompleted);
        }

        await Eventually.TrueAsync(() => recorder.Of(group).Count == Count, "every published event to reach the observer");
        // Numbered by the hub in the order they were published (batches are sent one at a time).
        Assert.Equal(Enumerable.Range(0, Count), recorder.Of(group).OrderBy(e => e.Id).Select(e => ((PoolFigures)e.Payload).Used));
        await hub.Unsubscribe(observer);
    }

    [Fact]
    public async Task A_group_rolls_up_its_clusters_per_user_counts_a_workload_once_and_forgets_expired_samples()
    {
        var group = GrainClusterFixture.NewKey("g");
        var grain = fixture.Grains.GetGrain<IGroupUtilizationGrain>(group);
        var now = fixture.Time.GetUtcNow();
        var validFor = TimeSpan.FromSeconds(15);
        await grain.Record("a", now, validFor, [
            new WorkloadUsage("w1", "ann", group, 2, 50, 1.5, 100),
            new WorkloadUsage("w2", "ann", group, 2, null, 0.5, 50),
            new WorkloadUsage("w3", "bob", group, 0, null, 2, 10),
        ]);
        // Another local cluster reports the same local run (they share one executor), and one of its own.
        await grain.Record("b", now, validFor, [new WorkloadUsage("w1", "ann", group, 2, 50, 1.5, 100), new WorkloadUsage("w4", "bob", group, 1, 100, 0, 5)]);

        var use = await grain.Get();
        var ann = use.Users.Single(u => u.User == "ann");
        Assert.Equal((4, 2.0, 150L, 2), (ann.Gpus, ann.CpuCores, ann.MemoryBytes, ann.Workloads));
        Assert.Equal(50, ann.GpuUtilization);
        var bob = use.Users.Single(u => u.User == "bob");
        Assert.Equal((1, 2.0, 15L, 2, 100.0), (bob.Gpus, bob.CpuCores, bob.MemoryBytes, bob.Workloads, bob.GpuUtilization));

        // Cluster a says its work ended; b's samples expire when b stops reporting.
        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        await grain.Record("a", fixture.Time.GetUtcNow(), validFor, []);
        Assert.Equal(["ann", "bob"], (await grain.Get()).Users.Select(u => u.User));
        fixture.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Empty((await grain.Get()).Users);

        var history = await grain.History(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30));
        Assert.Contains(history, p => p.Workloads > 0 && p.MemoryBytes > 0);
        Assert.All(history, p => Assert.True(p.At <= fixture.Time.GetUtcNow().AddSeconds(30)));
    }

    private sealed class Recorder : ILiveObserver
    {
        private readonly ConcurrentQueue<LiveEvent> _events = new();

        public Task OnEvents(IReadOnlyList<LiveEvent> liveEvents)
        {
            foreach (var liveEvent in liveEvents)
            {
                _events.Enqueue(liveEvent);
            }

            return Task.CompletedTask;
        }

        public List<LiveEvent> Of(string group) => _events.Where(e => e.Scope.Group == group).ToList();

        public bool Has(long id) => _events.Any(e => e.Id == id);
    }
}
