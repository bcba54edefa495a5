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
/// (SSE clients, Blazor circuits: <see cref="Subscribe"/>). An event is written as JSON once and
/// offered to each subscriber that asked for its topic and may see it (<see cref="LiveScope.VisibleTo"/>,
/// the rule every endpoint uses); offering never waits, so a slow subscriber never slows another.
/// </summary>
public sealed class LiveFeed(IGrainFactory grains, FeedOptions options, IOptions<JsonOptions> json, IHostApplicationLifetime lifetime, ILogger<LiveFeed> logger)
    : BackgroundService, ILiveObserver
{
    private readonly object _gate = new();
    private readonly Queue<(LiveEvent Event, FeedEvent Feed)> _replay = new();
    private readonly HashSet<LiveSubscription> _subscribers = [];
    private readonly JsonSerializerOptions _json = json.Value.SerializerOptions;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this process is subscribed with the hub (events before that are not this process's).</summary>
    public Task Connected => _connected.Task;

    /// <summary>Clients connected to this process.</summary>
    public int Subscribers
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>
    /// Subscribes <paramref name="caller"/> to <paramref name="topics"/> (all when empty). With
    /// <paramref name="after"/> (a <c>Last-Event-ID</c>), the events after it that this process still
    /// holds come first, so nothing between is missed; <see cref="LiveSubscription.MissedEvents"/>
    /// says when the buffer no longer reaches back that far.
    /// </summary>
    public LiveSubscription Subscribe(Caller caller, IReadOnlyCollection<string>? topics = null, long? after = null)
    {
        var wanted = (topics is { Count: > 0 } ? topics : LiveTopics.All).ToHashSet(StringComparer.Ordinal);
        var subscription = new LiveSubscription(caller, wanted, options.ClientBuffer, Leave);
        lock (_gate)
        {
            if (after is { } last)
            {
                // Ids are consecutive while the hub stays where it is: a hole between the client's last
                // event and the oldest one held here means events this process no longer has (or never had).
                subscription.MissedEvents = _replay.TryPeek(out var oldest) && oldest.Event.Id > last + 1;
                foreach (var (held, feed) in _replay)
                {
                    if (held.Id > last && subscription.Wants(held.Topic, held.Scope) && !subscription.Offer(feed))
                    {
                        return subscription;
                    }
                }
            }

            _subscribers.Add(subscription);
        }

        return subscription;
    }

    /// <summary>
    /// One-way calls from the hub may arrive out of order. The hub numbers consecutively, so an event
    /// after a gap waits (at most <see cref="GapWait"/>) for the ones before it; a gap that stays
    /// (an event lost, or the hub restarted with new numbers) is passed over.
    /// </summary>
    public static readonly TimeSpan GapWait = TimeSpan.FromMilliseconds(100);

    private readonly SortedDictionary<long, LiveEvent> _early = [];
    private long _delivered;

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
                var first = _early.Count == 0;
                _early[liveEvent.Id] = liveEvent;
                if (first)
                {
                    _ = Task.Delay(GapWait).ContinueWith(_ =>
                    {
                        lock (_gate)
                        {
                            DeliverReady(force: true);
                        }
                    }, TaskScheduler.Default);
                }
            }
        }

        return Task.CompletedTask;
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
    }

    private void Deliver(LiveEvent liveEvent, bool advance = true)
    {
        if (advance)
        {
            _delivered = liveEvent.Id;
        }

        string text;
        try
        {
            text = JsonSerializer.Serialize(liveEvent.Payload, liveEvent.Payload.GetType(), _json);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException)
        {
            logger.LogWarning(e, "A {Topic} event of type {Type} cannot be written as JSON", liveEvent.Topic, liveEvent.Payload.GetType().Name);
            return;
        }

        var feed = new FeedEvent(liveEvent.Id, liveEvent.Topic, liveEvent.At, liveEvent.Payload, text);
        _replay.Enqueue((liveEvent, feed));
        while (_replay.Count > options.ReplayEvents)
        {
            _replay.Dequeue();
        }

        List<LiveSubscription>? dropped = null;
        foreach (var subscriber in _subscribers)
        {
            if (subscriber.Wants(liveEvent.Topic, liveEvent.Scope) && !subscriber.Offer(feed))
            {
                (dropped ??= []).Add(subscriber);
            }
        }

        foreach (var gone in dropped ?? [])
        {
            _subscribers.Remove(gone);
        }
    }

    private void Leave(LiveSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscription);
        }
    }

    /// <summary>Subscribes this process with the hub and renews it; a hub that is away is tried again every second.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribe once the host has started: the co-hosted silo is then active (earlier, Orleans'
        // placement retries the call and logs each attempt as a warning) and an API-only process's
        // client has connected. Its silos may still go away later: hence the retry below, in which
        // even the references are made, as a client that never connected knows no grain types.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
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
                hub ??= grains.GetGrain<ILiveHubGrain>(ILiveHubGrain.Key);
                self ??= grains.CreateObjectReference<ILiveObserver>(this);
                await hub.Subscribe(self);
                _connected.TrySetResult();
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The silos may not be up yet (API started first, or co-hosted and still starting).
                logger.LogDebug(e, "Subscribing to the live hub failed; trying again");
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
            logger.LogDebug(e, "Unsubscribing from the live hub failed; the subscription expires by itself");
        }

        grains.DeleteObjectReference<ILiveObserver>(self);
    }
}
