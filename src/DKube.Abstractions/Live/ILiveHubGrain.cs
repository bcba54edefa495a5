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

    /// <summary>
    /// Numbers the events in the order given and forwards them; returns the id of the last. A silo's
    /// publisher sends its events in batches, one batch at a time, so one grain's events keep their order.
    /// </summary>
    [Alias("PublishAll")]
    Task<long> PublishAll(IReadOnlyList<LivePublication> events);

    /// <summary>Subscribes (or renews) an API process's observer; it expires unless renewed within <see cref="ObserverLifetime"/>.</summary>
    [Alias("Subscribe")]
    Task Subscribe(ILiveObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(ILiveObserver observer);

    /// <summary>How long a subscription lasts without renewal (a dead API process's observer is dropped after it).</summary>
    public static readonly TimeSpan ObserverLifetime = TimeSpan.FromMinutes(3);
}
