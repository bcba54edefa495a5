using Orleans.Concurrency;

namespace DKube.Abstractions.Live;

/// <summary>An API process's one subscription to the live hub (never one per client).</summary>
[Alias("dkube.ILiveObserver")]
public interface ILiveObserver : IGrainObserver
{
    /// <summary>
    /// The events of one <see cref="ILiveHubGrain.PublishAll"/>, in the hub's order: one call per
    /// batch rather than per event (a run's life publishes about eight events, each a call before).
    /// </summary>
    [Alias("OnEvents")]
    [OneWay]
    Task OnEvents(IReadOnlyList<LiveEvent> liveEvents);
}
