using System.Globalization;
using DKube.Abstractions.Live;
using DKube.Abstractions.Tenancy;
using DKube.Api.Feeds;

namespace DKube.Benchmarks.Live;

/// <summary>
/// Where a phase's latency goes, hop by hop: an in-process subscriber of the server's feed (as a
/// Blazor circuit subscribes), in the events' group, reads each event of the phase and splits its
/// time into publish -> hub (the hub's <see cref="LiveEvent.At"/> less the publish time the payload
/// carries), hub -> feed (handed to a subscriber's channel and read there: the observer call, the
/// feed's ordering and fan-out), and, from the clients' process, the whole way to a socket read (the
/// rest is the SSE writer's flush, Kestrel and the socket). Every clock is the machine's one wall clock.
/// </summary>
public sealed class HopProbe
{
    private readonly List<double> _toHub = [];
    private readonly List<double> _toFeed = [];
    private readonly Task _reading;

    private HopProbe(LiveSubscription subscription, string marker, int events) =>
        _reading = ReadAsync(subscription, marker, events);

    public static HopProbe Start(LiveFeed feed, string marker, int events) =>
        new(feed.Subscribe(new Caller("bench-live-probe", [], ["bench-live"]), [LiveTopics.Utilization]), marker, events);

    /// <summary>p50 / p99 of each hop; <paramref name="done"/> is the clients' answer (its words 2 and 3: the whole way).</summary>
    public async Task<string> ReportAsync(string[] done)
    {
        await _reading.WaitAsync(TimeSpan.FromMinutes(1));
        static string Of(List<double> ms)
        {
            var sorted = ms.Order().ToList();
            return string.Create(CultureInfo.InvariantCulture, $"{Quantiles.Of(sorted, 0.5),6:F1} / {Quantiles.Of(sorted, 0.99),6:F1}");
        }

        return $"publish->hub {Of(_toHub)} | hub->feed channel {Of(_toFeed)} | publish->client socket {done[2]} / {done[3]}";
    }

    private async Task ReadAsync(LiveSubscription subscription, string marker, int events)
    {
        using (subscription)
        {
            var seen = 0;
            await foreach (var e in subscription.Events.ReadAllAsync())
            {
                var now = DateTimeOffset.UtcNow;
                if (e.Payload is GroupUtilization { Users: [{ User: var user }, ..] } published && user == marker)
                {
                    _toHub.Add((e.At - published.At).TotalMilliseconds);
                    _toFeed.Add((now - e.At).TotalMilliseconds);
                    if (++seen == events)
                    {
                        return;
                    }
                }
            }
        }
    }
}
