using DKube.Abstractions.Live;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Utilities;

namespace DKube.Grains.Live;

/// <summary>
/// The live feed's fan-out: one activation numbers every event and forwards it, one-way, to each
/// API process's observer. A turn is a counter increment and a loop over a handful of observers, so
/// it is reentrant without harm. Ids are consecutive from the clock in microseconds when it activates,
/// so they keep increasing across a move to another silo (unless it numbered more than a million events
/// a second), and an API process tells an event that overtook another (a hole in the ids) from one that
/// is next, which it delivers at once. (Ids that followed the clock, one per millisecond, made every
/// event look like it came after a hole: each waited for the feed's gap wait, 60 ms on average.)
/// Nothing is stored: a client that missed events while the hub moved sees the gap through its API
/// process's replay buffer (<c>reset</c>).
/// </summary>
[Reentrant]
public sealed class LiveHubGrain(TimeProvider time, ILogger<LiveHubGrain> logger) : Grain, ILiveHubGrain
{
    private readonly ObserverManager<ILiveObserver> _observers = new(ILiveHubGrain.ObserverLifetime, logger);
    private long _last;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _last = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        return Task.CompletedTask;
    }

    public Task<long> PublishAll(IReadOnlyList<LivePublication> events)
    {
        var now = time.GetUtcNow();
        var numbered = new List<LiveEvent>(events.Count);
        foreach (var (topic, scope, payload) in events)
        {
            numbered.Add(new LiveEvent(++_last, topic, scope, now, payload));
        }

        if (numbered.Count > 0)
        {
            _observers.Notify(o => o.OnEvents(numbered));
        }

        return Task.FromResult(_last);
    }

    public Task Subscribe(ILiveObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(ILiveObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }
}
