using System.IO.Pipelines;
using System.Text;
using DKube.Abstractions.Live;
using DKube.Abstractions.Tenancy;
using DKube.Api.Feeds;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DKube.Integration.Tests.Live;

/// <summary>
/// The feed of one API process in-process, as a Blazor circuit uses it: a slow subscriber is dropped
/// without holding up the others, a resume older than the replay buffer says so, and the SSE writer's
/// heartbeat runs on the injected clock.
/// </summary>
public sealed class FeedBufferTests(LiveFixture fixture) : IClassFixture<LiveFixture>
{
    private static readonly Caller Ann = new("ann", [], ["vision"]);

    private LiveFeed NewFeed(int replay, int clientBuffer, TimeProvider? time = null) => new(
        fixture.Server.App.Services.GetRequiredService<IGrainFactory>(), new FeedOptions(replay, clientBuffer),
        fixture.Server.App.Services.GetRequiredService<IOptions<JsonOptions>>(), time ?? TimeProvider.System,
        fixture.Server.App.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>(), NullLogger<LiveFeed>.Instance);

    private static LiveEvent Event(long id, string group = "vision", string? owner = "ann") =>
        new(id, LiveTopics.Pools, new LiveScope(owner, group), DateTimeOffset.UtcNow, new PoolFigures(group, 4, (int)id, 0, 0));

    [Fact]
    public async Task A_slow_subscriber_is_dropped_while_a_reading_one_gets_every_event_and_it_resumes_from_its_last_id()
    {
        var feed = NewFeed(replay: 100, clientBuffer: 4);
        using var slow = feed.Subscribe(Ann, [LiveTopics.Pools]);
        using var reader = feed.Subscribe(Ann, [LiveTopics.Pools]);
        var read = new List<long>();
        for (var id = 1; id <= 10; id++)
        {
            await feed.OnEvent(Event(id));
            while (reader.Events.TryRead(out var e))
            {
                read.Add(e.Id);
            }
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), read);
        Assert.Equal(FeedEnd.Overflowed, slow.End);
        var kept = new List<long>();
        await foreach (var e in slow.Events.ReadAllAsync())
        {
            kept.Add(e.Id);
        }

        Assert.Equal([1, 2, 3, 4], kept);
        Assert.Equal(1, feed.Subscribers);

        // Resumed from its last event: the rest comes from the replay buffer, nothing missed.
        using var resumed = feed.Subscribe(Ann, [LiveTopics.Pools], after: kept[^1]);
        Assert.False(resumed.MissedEvents);
        var rest = new List<long>();
        while (resumed.Events.TryRead(out var e))
        {
            rest.Add(e.Id);
        }

        Assert.Equal([5, 6, 7, 8], rest);
    }

    [Fact]
    public async Task Events_that_overtook_each_other_on_the_way_are_delivered_in_order_and_a_gap_that_stays_is_passed_over()
    {
        var feed = NewFeed(replay: 100, clientBuffer: 100);
        using var subscription = feed.Subscribe(Ann, [LiveTopics.Pools]);
        await feed.OnEvent(Event(1));
        await feed.OnEvent(Event(3));
        await feed.OnEvent(Event(2));
        await feed.OnEvent(Event(5));
        var got = new List<long>();
        await Eventually.TrueAsync(() =>
        {
            while (subscription.Events.TryRead(out var e))
            {
                got.Add(e.Id);
            }

            return got.Count == 4;
        }, "four events, the last after its gap was passed over");
        Assert.Equal([1, 2, 3, 5], got);
    }

    [Fact]
    public async Task The_next_event_is_handed_over_at_once_and_only_one_after_a_hole_waits_at_most_the_gap_wait_of_the_feeds_clock()
    {
        var time = new FakeTimeProvider();
        using var feed = NewFeed(replay: 100, clientBuffer: 100, time);
        using var subscription = feed.Subscribe(Ann, [LiveTopics.Pools]);
        List<long> Drain()
        {
            var got = new List<long>();
            while (subscription.Events.TryRead(out var e))
            {
                got.Add(e.Id);
            }

            return got;
        }

        // The clock never moves: what is next in line is in the subscriber's buffer when the call returns.
        await feed.OnEvents([Event(1_000_001), Event(1_000_002)]);
        await feed.OnEvent(Event(1_000_003));
        Assert.Equal([1_000_001, 1_000_002, 1_000_003], Drain());

        // A hole (1_000_004 overtaken) holds what comes after it until it fills, then all goes at once.
        await feed.OnEvent(Event(1_000_005));
        await feed.OnEvent(Event(1_000_006));
        Assert.Empty(Drain());
        await feed.OnEvent(Event(1_000_004));
        Assert.Equal([1_000_004, 1_000_005, 1_000_006], Drain());

        // A hole that stays: the wait starts with it (not with the earlier, filled one) and ends after GapWait.
        time.Advance(LiveFeed.GapWait / 2);
        await feed.OnEvent(Event(1_000_008));
        time.Advance(LiveFeed.GapWait - TimeSpan.FromMilliseconds(1));
        Assert.Empty(Drain());
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([1_000_008], Drain());

        // Passed over, the order goes on from there; the lost one, if it comes at last, still comes (once).
        await feed.OnEvent(Event(1_000_009));
        await feed.OnEvent(Event(1_000_007));
        Assert.Equal([1_000_009, 1_000_007], Drain());
    }

    [Fact]
    public async Task A_resume_older_than_the_replay_buffer_is_told_and_others_events_never_reach_a_subscriber()
    {
        var feed = NewFeed(replay: 3, clientBuffer: 100);
        for (var id = 1; id <= 6; id++)
        {
            await feed.OnEvent(Event(id));
        }

        await feed.OnEvent(Event(7, group: "other", owner: "bob"));
        await feed.OnEvent(Event(8, group: "vision", owner: null));
        using var late = feed.Subscribe(Ann, [LiveTopics.Pools], after: 1);
        Assert.True(late.MissedEvents);
        var got = new List<long>();
        while (late.Events.TryRead(out var e))
        {
            got.Add(e.Id);
        }

        // The buffer holds 6, 7, 8: 7 is another group's.
        Assert.Equal([6, 8], got);
        using var current = feed.Subscribe(Ann, [LiveTopics.Pools], after: 5);
        Assert.False(current.MissedEvents);
    }

    [Fact]
    public async Task The_stream_writes_a_heartbeat_comment_after_15_quiet_seconds_of_its_clock_and_a_final_dropped_event()
    {
        var time = new FakeTimeProvider();
        using var feed = NewFeed(replay: 10, clientBuffer: 2, time);
        var start = time.GetUtcNow();
        // A tiny pipe: a client that stops reading blocks the writer's flush, as a slow socket does.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64, resumeWriterThreshold: 32));
        using var subscription = feed.Subscribe(Ann, [LiveTopics.Pools], after: 0);
        // An in-process subscriber (a Blazor circuit) is never handed a heartbeat: it writes no stream.
        using var circuit = feed.Subscribe(Ann, [LiveTopics.Pools]);
        var writing = ServerSentEvents.WriteAsync(pipe.Writer, subscription, CancellationToken.None);
        var client = new SlowClient(pipe.Reader.AsStream());

        // The clock moves a second at a time until the writer, idle, writes its comment.
        await Eventually.TrueAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return client.Text.Contains(": heartbeat", StringComparison.Ordinal);
        }, "a heartbeat");
        Assert.True(time.GetUtcNow() - start >= FeedOptions.Heartbeat);

        await feed.OnEvent(Event(1));
        await Eventually.TrueAsync(() => client.Text.Contains("id: 1\n", StringComparison.Ordinal), "the first event");
        Assert.Contains("id: 1\nevent: pools\ndata: {\"group\":\"vision\",\"gpus\":4,\"used\":1", client.Text, StringComparison.Ordinal);

        // The client stops reading: one event blocks the writer, two fill its buffer, the next overflows it.
        client.Reading = false;
        for (var id = 2; id <= 10; id++)
        {
            await feed.OnEvent(Event(id));
        }

        Assert.Equal(FeedEnd.Overflowed, subscription.End);
        client.Reading = true;
        await writing.WaitAsync(SseStream.EventWait);
        await Eventually.TrueAsync(() => client.Text.Contains("event: dropped", StringComparison.Ordinal), "the dropped event");
        Assert.Matches("event: dropped\ndata: \\{\"reason\":\"slow-client\",\"lastEventId\":[0-9]+\\}", client.Text);
        Assert.DoesNotContain("id: 10\n", client.Text, StringComparison.Ordinal);

        var circuitGot = new List<long>();
        await foreach (var e in circuit.Events.ReadAllAsync())
        {
            circuitGot.Add(e.Id);
        }

        Assert.Equal([1, 2], circuitGot);
    }

    [Fact]
    public async Task One_frame_written_once_is_shared_by_every_subscriber_who_may_see_it_and_reaches_no_one_else()
    {
        var feed = NewFeed(replay: 10, clientBuffer: 10);
        var carl = new Caller("carl", [], ["vision"]);
        var bob = new Caller("bob", [], ["other"]);
        var op = new Caller("olga", [Roles.Operator], []);
        using var ann = feed.Subscribe(Ann, [LiveTopics.Pools]);
        using var annWorkloads = feed.Subscribe(Ann, [LiveTopics.Workloads]);
        using var carls = feed.Subscribe(carl, [LiveTopics.Pools]);
        using var bobs = feed.Subscribe(bob, [LiveTopics.Pools]);
        using var ops = feed.Subscribe(op, [LiveTopics.Pools]);

        // 1: ann's, in her group; 2: the other group's; 3: ann's in a group she is not a member of (the owner sees it).
        await feed.OnEvent(Event(1));
        await feed.OnEvent(Event(2, group: "other", owner: null));
        await feed.OnEvent(Event(3, group: "solo", owner: "ann"));

        static List<FeedEvent> Drain(LiveSubscription s)
        {
            var got = new List<FeedEvent>();
            while (s.Events.TryRead(out var e))
            {
                got.Add(e);
            }

            return got;
        }

        var (annGot, carlGot, bobGot, opGot) = (Drain(ann), Drain(carls), Drain(bobs), Drain(ops));
        Assert.Equal([1, 3], annGot.Select(e => e.Id));
        Assert.Equal([1], carlGot.Select(e => e.Id));
        Assert.Equal([2], bobGot.Select(e => e.Id));
        Assert.Equal([1, 2, 3], opGot.Select(e => e.Id));
        Assert.Empty(Drain(annWorkloads));

        // The same event and the same bytes for everyone who sees it: written once, not per subscriber.
        Assert.Same(annGot[0], carlGot[0]);
        Assert.Same(annGot[0], opGot[0]);
        Assert.True(annGot[0].Frame.Equals(opGot[0].Frame));
        var frame = Encoding.UTF8.GetString(annGot[0].Frame.Span);
        Assert.StartsWith("id: 1\nevent: pools\ndata: {\"group\":\"vision\",\"gpus\":4,\"used\":1", frame, StringComparison.Ordinal);
        Assert.EndsWith("}\n\n", frame, StringComparison.Ordinal);
        Assert.Single(frame.Split('\n'), l => l.StartsWith("data: ", StringComparison.Ordinal));

        // A resume replays the same shared frames, still only what the caller may see.
        using var carlAgain = feed.Subscribe(carl, [LiveTopics.Pools], after: 0);
        Assert.Equal([1], Drain(carlAgain).Select(e => e.Id));
    }

    /// <summary>Reads the stream in the background while <see cref="Reading"/> holds.</summary>
    private sealed class SlowClient
    {
        private readonly StringBuilder _text = new();

        public SlowClient(Stream stream) => _ = Task.Run(async () =>
        {
            var buffer = new byte[16];
            while (true)
            {
                if (!Reading)
                {
                    await Task.Delay(10);
                    continue;
                }

                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                {
                    return;
                }

                lock (_text)
                {
                    _text.Append(Encoding.UTF8.GetString(buffer, 0, n));
                }
            }
        });

        private volatile bool _reading = true;

        public bool Reading
        {
            get => _reading;
            set => _reading = value;
        }

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }
    }
}
