using Orleans.Concurrency;

namespace DKube.Abstractions.Live;

/// <summary>
/// The fan-out point of the live feed (key <see cref="Key"/>): publishers hand it events, it
/// numbers them and forwards each to the observer of every API process (one-way calls), so an
/// event costs one call per API process whatever the number of clients.
/// </summary>
[Alias("dkube.ILiveHubGrain")]
public interface ILiveHubGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>Numbers the event and forwards it; returns its id.</summary>
    [Alias("Publish")]
    Task<long> Publish(string topic, LiveScope scope, object payload);

    /// <summary>Subscribes (or renews) an API process's observer; it expires unless renewed within <see cref="ObserverLifetime"/>.</summary>
    [Alias("Subscribe")]
    Task Subscribe(ILiveObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(ILiveObserver observer);

    /// <summary>How long a subscription lasts without renewal (a dead API process's observer is dropped after it).</summary>
    public static readonly TimeSpan ObserverLifetime = TimeSpan.FromMinutes(3);
}
