using DKube.Abstractions.Live;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Live;

/// <summary>
/// <see cref="ILiveEvents"/> on a silo: a call to the hub. Awaited by the grain that changed, so the
/// events of one grain reach the hub in the order they happened; a failure is logged, never thrown.
/// </summary>
public sealed class LiveEventPublisher(IGrainFactory grains, ILogger<LiveEventPublisher> logger) : ILiveEvents
{
    /// <summary>
    /// How long the changed grain waits for the hub: a hub stranded on a dead silo must not hold a
    /// workload's turn for the whole call timeout (its event is lost; the grain's change is not).
    /// </summary>
    private static readonly TimeSpan PublishBudget = TimeSpan.FromSeconds(2);

    public async Task Publish(string topic, LiveScope scope, object payload)
    {
        try
        {
            await grains.GetGrain<ILiveHubGrain>(ILiveHubGrain.Key).Publish(topic, scope, payload).WaitAsync(PublishBudget);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A {Topic} event of group {Group} did not reach the live feed", topic, scope.Group);
        }
    }
}
