using Orleans.Concurrency;

namespace DKube.Abstractions.Live;

/// <summary>An API process's one subscription to the live hub (never one per client).</summary>
[Alias("dkube.ILiveObserver")]
public interface ILiveObserver : IGrainObserver
{
    [Alias("OnEvent")]
    [OneWay]
    Task OnEvent(LiveEvent liveEvent);
}
