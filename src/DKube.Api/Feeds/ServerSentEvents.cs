using System.Globalization;
using System.Text;

namespace DKube.Api.Feeds;

/// <summary>
/// Writes a <see cref="LiveSubscription"/> as Server-Sent Events: <c>id</c> (resumable with
/// <c>Last-Event-ID</c>), <c>event</c> (the topic), <c>data</c> (one JSON object); a comment line when
/// nothing was written for <see cref="FeedOptions.Heartbeat"/> (on <paramref name="time"/>, so tests
/// move it); <c>event: reset</c> first when events may have been missed since the client's last id;
/// <c>event: dropped</c> last when the client fell too far behind (it resumes from its last id).
/// </summary>
public static class ServerSentEvents
{
    private static readonly byte[] HeartbeatLine = Encoding.UTF8.GetBytes(": heartbeat\n\n");

    public static async Task WriteAsync(Stream body, LiveSubscription subscription, TimeProvider time, CancellationToken cancellationToken)
    {
        var text = new StringBuilder("retry: 2000\n\n");
        if (subscription.MissedEvents)
        {
            text.Append("event: reset\ndata: {\"reason\":\"missed-events\"}\n\n");
        }

        await WriteAsync(body, text, cancellationToken);
        long last = 0;
        var reader = subscription.Events;
        var ready = reader.WaitToReadAsync(cancellationToken).AsTask();
        while (true)
        {
            using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var heartbeat = Task.Delay(FeedOptions.Heartbeat, time, quiet.Token);
                if (await Task.WhenAny(ready, heartbeat) == heartbeat)
                {
                    await heartbeat;
                    await body.WriteAsync(HeartbeatLine, cancellationToken);
                    await body.FlushAsync(cancellationToken);
                    continue;
                }

                await quiet.CancelAsync();
            }

            if (!await ready)
            {
                break;
            }

            while (reader.TryRead(out var next))
            {
                text.Append("id: ").Append(next.Id.ToString(CultureInfo.InvariantCulture))
                    .Append("\nevent: ").Append(next.Topic)
                    .Append("\ndata: ").Append(next.Json).Append("\n\n");
                last = next.Id;
            }

            await WriteAsync(body, text, cancellationToken);
            ready = reader.WaitToReadAsync(cancellationToken).AsTask();
        }

        if (subscription.End == FeedEnd.Overflowed)
        {
            text.Append("event: dropped\ndata: {\"reason\":\"slow-client\",\"lastEventId\":")
                .Append((last > 0 ? last : subscription.LastId).ToString(CultureInfo.InvariantCulture)).Append("}\n\n");
            await WriteAsync(body, text, cancellationToken);
        }
    }

    private static async Task WriteAsync(Stream body, StringBuilder text, CancellationToken cancellationToken)
    {
        await body.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
        await body.FlushAsync(cancellationToken);
        text.Clear();
    }
}
