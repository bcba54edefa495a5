using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DKube.Abstractions.Live;
using DKube.Abstractions.Tenancy;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DKube.Api.Feeds;

/// <summary>
/// The live feed of one API process: its one subscription to the hub (an observer, renewed every
/// <see cref="FeedOptions.Renewal"/>), a bounded replay buffer, and the subscribers of this process
/// (SSE clients, Blazor circuits: <see cref="Subscribe"/>). An event is written once, as the SSE frame
/// every client shares, and its topic classified once; each subscriber that asked for its topic and
/// may see it (<see cref="LiveScope.VisibleTo"/>, the rule every endpoint uses) gets it by a channel
/// write that never waits, so a slow subscriber never slows another. The subscribers are an array
/// replaced on join and leave, so the fan-out reads it without a lock; one timer sends the heartbeats
/// of every quiet SSE stream, where each stream had a timer of its own, set again after each event.
/// </summary>
public sealed class LiveFeed : BackgroundService, ILiveObserver
{
    /// <summary>How often the heartbeat timer looks for quiet streams: a heartbeat comes 15 to 16 s after the last event.</summary>
    public static readonly TimeSpan HeartbeatTick = TimeSpan.FromSeconds(1);

    /// <summary>Each topic's bit in a subscription's mask.</summary>
    private static readonly Dictionary<string, int> TopicBits = LiveTopics.All.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => 1 << x.i, StringComparer.Ordinal);

    private readonly IGrainFactory _grains;
    private readonly FeedOptions _options;
    private readonly TimeProvider _time;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<LiveFeed> _logger;
    private readonly JsonSerializerOptions _json;
    private readonly JsonWriterOptions _writer;
    private readonly ITimer _heartbeat;

    /// <summary>Orders the events and the replay buffer; a subscriber joins under it, so it misses nothing between replay and fan-out.</summary>
    private readonly object _gate = new();

    /// <summary>Guards only the replacement of <see cref="_subscribers"/>.</summary>
    private readonly object _membership = new();

    private readonly Queue<(LiveEvent Event, FeedEvent Feed)> _replay = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile LiveSubscription[] _subscribers = [];

    public LiveFeed(IGrainFactory grains, FeedOptions options, IOptions<JsonOptions> json, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<LiveFeed> logger)
    {
        (_grains, _options, _time, _lifetime, _logger) = (grains, options, time, lifetime, logger);
        _json = json.Value.SerializerOptions;
        // One line of JSON whatever the options say: a line break would end the SSE data line.
        _writer = new JsonWriterOptions { Encoder = _json.Encoder, Indented = false, SkipValidation = true };
        _heartbeat = time.CreateTimer(_ => SendHeartbeats(), null, HeartbeatTick, HeartbeatTick);
    }

    /// <summary>Completes once this process is subscribed with the hub (events before that are not this process's).</summary>
    public Task Connected => _connected.Task;

    /// <summary>Clients connected to this process.</summary>
    public int Subscribers => _subscribers.Length;

    /// <summary>
    /// Subscribes <paramref name="caller"/> to <paramref name="topics"/> (all when empty). With
    /// <paramref name="after"/> (a <c>Last-Event-ID</c>), the events after it that this process still
    /// holds come first, so nothing between is missed; <see cref="LiveSubscription.MissedEvents"/>
    /// says when the buffer no longer reaches back that far.
    /// </summary>
    public LiveSubscription Subscribe(Caller caller, IReadOnlyCollection<string>? topics = null, long? after = null)
    {
        var mask = (topics is { Count: > 0 } ? topics : LiveTopics.All).Aggregate(0, (m, t) => m | TopicBits.GetValueOrDefault(t));
        var subscription = new LiveSubscription(caller, mask, _options.ClientBuffer, Leave, _time.GetTimestamp());
        lock (_gate)
        {
            if (after is { } last)
            {
                // Ids are consecutive while the hub stays where it is: a hole between the client's last
                // event and the oldest one held here means events this process no longer has (or never had).
                subscription.MissedEvents = _replay.TryPeek(out var oldest) && oldest.Event.Id > last + 1;
                var now = _time.GetTimestamp();
                foreach (var (held, feed) in _replay)
                {
                    if (held.Id > last && subscription.Wants(TopicBits.GetValueOrDefault(held.Topic), held.Scope) && !subscription.Offer(feed, now))
                    {
                        return subscription;
                    }
                }
            }

            lock (_membership)
            {
                _subscribers = [.. _subscribers, subscription];
            }
        }

        return subscription;
    }

    /// <summary>
    /// One-way calls from the hub may arrive out of order. The hub numbers consecutively, so the next
    /// event is delivered at once and only an event after a hole waits (at most <see cref="GapWait"/>,
    /// on the feed's clock) for the ones before it; a hole that stays (an event lost, or the hub
    /// restarted with new numbers) is passed over.
    /// </summary>
    public static readonly TimeSpan GapWait = TimeSpan.FromMilliseconds(100);

    private readonly SortedDictionary<long, LiveEvent> _early = [];
    private long _delivered;
    private ITimer? _gapTimer;
    private long _gapWaits;

    public Task OnEvents(IReadOnlyList<LiveEvent> liveEvents)
    {
        foreach (var liveEvent in liveEvents)
        {
            OnEvent(liveEvent);
        }

        return Task.CompletedTask;
    }

    /// <summary>One event from the hub (a batch is taken apart in order; calls of batches may still cross).</summary>
    public Task OnEvent(LiveEvent liveEvent)
    {
        lock (_gate)
        {
            if (_delivered == 0 || liveEvent.Id == _delivered + 1)
            {
                Deliver(liveEvent);
                DeliverReady(force: false);
            }
            else if (liveEvent.Id <= _delivered)
            {
                // Later than a gap that was passed over: still worth having, out of order.
                Deliver(liveEvent, advance: false);
            }
            else
            {
                _early[liveEvent.Id] = liveEvent;
                if (_gapTimer is null)
                {
                    var wait = ++_gapWaits;
                    _gapTimer = _time.CreateTimer(_ => PassGap(wait), null, GapWait, Timeout.InfiniteTimeSpan);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The gap wait <paramref name="wait"/> is over: what is still held goes out, in order, past its hole.</summary>
    private void PassGap(long wait)
    {
        lock (_gate)
        {
            // A wait whose hole filled (and perhaps a new hole's wait since) passes nothing over.
            if (wait == _gapWaits && _gapTimer is not null)
            {
                DeliverReady(force: true);
            }
        }
    }

    /// <summary>Delivers the held events that are next in line; with <paramref name="force"/>, all of them, skipping the gap.</summary>
    private void DeliverReady(bool force)
    {
        while (_early.Count > 0)
        {
            var (id, next) = _early.First();
            if (!force && id != _delivered + 1)
            {
                return;
            }

            _early.Remove(id);
            Deliver(next);
        }

        // Nothing held any more: the next hole starts a wait of its own.
        _gapTimer?.Dispose();
        _gapTimer = null;
    }

    private void Deliver(LiveEvent liveEvent, bool advance = true)
    {
        if (advance)
        {
            _delivered = liveEvent.Id;
        }

        ReadOnlyMemory<byte> frame;
        try
        {
            frame = Frame(liveEvent);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException)
        {
            _logger.LogWarning(e, "A {Topic} event of type {Type} cannot be written as JSON", liveEvent.Topic, liveEvent.Payload.GetType().Name);
            return;
        }

        var feed = new FeedEvent(liveEvent.Id, liveEvent.Topic, liveEvent.At, liveEvent.Payload, frame);
        _replay.Enqueue((liveEvent, feed));
        while (_replay.Count > _options.ReplayEvents)
        {
            _replay.Dequeue();
        }

        // Classified once: per subscriber, what is left is a mask test, the visibility rule and a channel write.
        var topic = TopicBits.GetValueOrDefault(liveEvent.Topic);
        var scope = liveEvent.Scope;
        var now = _time.GetTimestamp();
        List<LiveSubscription>? dropped = null;
        foreach (var subscriber in _subscribers)
        {
            if (subscriber.Wants(topic, scope) && !subscriber.Offer(feed, now))
            {
                (dropped ??= []).Add(subscriber);
            }
        }

        foreach (var gone in dropped ?? [])
        {
            Leave(gone);
        }
    }

    /// <summary>The event's SSE frame, UTF-8: <c>id</c>, <c>event</c> (the topic), <c>data</c> (its payload as one line of JSON).</summary>
    private byte[] Frame(LiveEvent liveEvent)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"id: {liveEvent.Id}\nevent: {liveEvent.Topic}\ndata: "), buffer);
        using (var writer = new Utf8JsonWriter(buffer, _writer))
        {
            JsonSerializer.Serialize(writer, liveEvent.Payload, liveEvent.Payload.GetType(), _json);
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private void Leave(LiveSubscription subscription)
    {
        lock (_membership)
        {
            var index = Array.IndexOf(_subscribers, subscription);
            if (index >= 0)
            {
                _subscribers = [.. _subscribers.AsSpan(0, index), .. _subscribers.AsSpan(index + 1)];
            }
        }
    }

    /// <summary>Offers a heartbeat to every SSE stream that was handed nothing for <see cref="FeedOptions.Heartbeat"/>.</summary>
    private void SendHeartbeats()
    {
        var now = _time.GetTimestamp();
        foreach (var subscriber in _subscribers)
        {
            if (subscriber.Heartbeats && _time.GetElapsedTime(subscriber.LastOffered, now) >= FeedOptions.Heartbeat)
            {
                subscriber.OfferHeartbeat(now);
            }
        }
    }

    public override void Dispose()
    {
        _heartbeat.Dispose();
        lock (_gate)
        {
            _gapTimer?.Dispose();
            _gapTimer = null;
        }

        base.Dispose();
    }

    /// <summary>Subscribes this process with the hub and renews it; a hub that is away is tried again every second.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribe once the host has started: the co-hosted silo is then active (earlier, Orleans'
        // placement retries the call and logs each attempt as a warning) and an API-only process's
        // client has connected. Its silos may still go away later: hence the retry below, in which
        // even the references are made, as a client that never connected knows no grain types.
        var started = new TaskCompletionSource();
        using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        ILiveObserver? self = null;
        ILiveHubGrain? hub = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = FeedOptions.Renewal;
            try
            {
                hub ??= _grains.GetGrain<ILiveHubGrain>(ILiveHubGrain.Key);
                self ??= _grains.CreateObjectReference<ILiveObserver>(this);
                await hub.Subscribe(self);
                _connected.TrySetResult();
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The silos may not be up yet (API started first, or co-hosted and still starting).
                _logger.LogDebug(e, "Subscribing to the live hub failed; trying again");
                wait = TimeSpan.FromSeconds(1);
            }

            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        if (hub is null || self is null)
        {
            return;
        }

        try
        {
            await hub.Unsubscribe(self).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "Unsubscribing from the live hub failed; the subscription expires by itself");
        }

        _grains.DeleteObjectReference<ILiveObserver>(self);
    }
}
