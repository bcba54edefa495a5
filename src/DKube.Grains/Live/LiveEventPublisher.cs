using System.Threading.Channels;
using DKube.Abstractions.Live;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Live;

/// <summary>
/// <see cref="ILiveEvents"/> on a silo: events go into a bounded queue and one pump sends them to
/// the hub in batches, one batch at a time. A grain's events keep the order it published them in,
/// and the grain's turn never waits for the hub (before, every state change of every workload
/// awaited a call to the single hub inside its turn: one more hop on the hot path, and up to the
/// publish budget of stall while the hub's silo was away).
/// </summary>
public sealed class LiveEventPublisher(IGrainFactory grains, ILogger<LiveEventPublisher> logger) : BackgroundService, ILiveEvents
{
    /// <summary>Events a silo holds while the hub is slow or away; beyond it new events are dropped (counted in the log, not told to subscribers).</summary>
    private const int Capacity = 10_000;

    private const int MaxBatch = 512;

    /// <summary>Attempts per batch: a hub moving to another silo answers again within a few seconds.</summary>
    private const int Attempts = 3;

    private readonly Channel<LivePublication> _pending = Channel.CreateBounded<LivePublication>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private long _dropped;

    public Task Publish(string topic, LiveScope scope, object payload)
    {
        if (!_pending.Writer.TryWrite(new LivePublication(topic, scope, payload)) && Interlocked.Increment(ref _dropped) % 1_000 == 1)
        {
            logger.LogWarning("The live feed's queue is full: {Dropped} events dropped so far (the hub is slow or away)", Interlocked.Read(ref _dropped));
        }

        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<LivePublication>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync(stoppingToken))
        {
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            await SendAsync(batch.ToArray(), stoppingToken);
            batch.Clear();
        }
    }

    private async Task SendAsync(LivePublication[] batch, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await grains.GetGrain<ILiveHubGrain>(ILiveHubGrain.Key).PublishAll(batch);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                if (attempt == Attempts)
                {
                    // Lost to subscribers, who are not told (hub ids are not contiguous, so no gap shows);
                    // each event carries a whole view, so the object's next change brings them up to date,
                    // and the changes themselves are stored.
                    logger.LogWarning(e, "{Count} live events did not reach the hub after {Attempts} attempts", batch.Length, Attempts);
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(attempt), stoppingToken);
            }
        }
    }
}
