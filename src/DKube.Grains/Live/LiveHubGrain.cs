using DKube.Abstractions.Live;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Utilities;

namespace DKube.Grains.Live;

/// <summary>
/// The live feed's fan-out: one activation numbers every event and forwards it, one-way, to each
/// API process's observer. A turn is a counter increment and a loop over a handful of observers, so
/// it is reentrant without harm. Ids start from the clock in microseconds when it activates, so they
/// keep increasing across a move to another silo. Nothing is stored: a client that missed events
/// while the hub moved sees the gap through its API process's replay buffer (<c>reset</c>).
/// </summary>
[Reentrant]
public sealed class LiveHubGrain(TimeProvider time, ILogger<LiveHubGrain> logger) : Grain, ILiveHubGrain
{
    private readonly ObserverManager<ILiveObserver> _observers = new(ILiveHubGrain.ObserverLifetime, logger);
    private long _last;

    public Task<long> PublishAll(IReadOnlyList<LivePublication> events)
    {
        var now = time.GetUtcNow();
        var numbered = new List<LiveEvent>(events.Count);
        foreach (var (topic, scope, payload) in events)
        {
            _last = Math.Max(_last + 1, now.ToUnixTimeMilliseconds() * 1000);
            numbered.Add(new LiveEvent(_last, topic, scope, now, payload));
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
