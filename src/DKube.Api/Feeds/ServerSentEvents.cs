using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace DKube.Api.Feeds;

/// <summary>
/// Writes a <see cref="LiveSubscription"/> as Server-Sent Events: <c>id</c> (resumable with
/// <c>Last-Event-ID</c>), <c>event</c> (the topic), <c>data</c> (one JSON object); a comment line when
/// nothing was written for <see cref="FeedOptions.Heartbeat"/> (the feed's heartbeat timer, on its
/// clock, so tests move it); <c>event: reset</c> first when events may have been missed since the
/// client's last id; <c>event: dropped</c> last when the client fell too far behind (it resumes from its last id).
/// Per event it copies the frame the feed wrote once for every client; it writes all that is waiting, then flushes once.
/// </summary>
public static class ServerSentEvents
{
    private static readonly byte[] Retry = Encoding.UTF8.GetBytes("retry: 2000\n\n");
    private static readonly byte[] Reset = Encoding.UTF8.GetBytes("event: reset\ndata: {\"reason\":\"missed-events\"}\n\n");

    /// <summary>Writes until the subscription ends or <paramref name="cancellationToken"/> (the client leaving) cancels, which throws.</summary>
    public static async Task WriteAsync(PipeWriter body, LiveSubscription subscription, CancellationToken cancellationToken)
    {
        body.Write(Retry);
        if (subscription.MissedEvents)
        {
            body.Write(Reset);
        }

        await body.FlushAsync(cancellationToken);
        subscription.Heartbeats = true;

        // The client leaving ends the channel's events: the wait below then needs no token of its own
        // (a cancellable wait allocates per event, an uncancellable one reuses the channel's waiter).
        using var leaving = cancellationToken.UnsafeRegister(s => ((LiveSubscription)s!).Close(), subscription);
        long last = 0;
        var reader = subscription.Events;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (reader.TryRead(out var next))
            {
                body.Write(next.Frame.Span);
                if (!ReferenceEquals(next, FeedEvent.Heartbeat))
                {
                    last = next.Id;
                }
            }

            var flushed = await body.FlushAsync(cancellationToken);
            if (flushed.IsCompleted)
            {
                return;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (subscription.End == FeedEnd.Overflowed)
        {
            body.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"event: dropped\ndata: {{\"reason\":\"slow-client\",\"lastEventId\":{(last > 0 ? last : subscription.LastId)}}}\n\n")));
            await body.FlushAsync(cancellationToken);
        }
    }
}
