using System.Text;

namespace DKube.Api.Feeds;

/// <summary>
/// An event as the feed hands it to a subscriber: the payload (a view record, for in-process
/// subscribers such as a Blazor circuit) and its Server-Sent Events frame (<c>id</c>, <c>event</c>,
/// <c>data</c> as UTF-8), written once per process and shared by every client that may see it, so a
/// client's stream copies bytes and never serializes.
/// </summary>
public sealed record FeedEvent(long Id, string Topic, DateTimeOffset At, object Payload, ReadOnlyMemory<byte> Frame)
{
    /// <summary>
    /// Not an event: the comment an SSE stream writes when it was quiet for <see cref="FeedOptions.Heartbeat"/>,
    /// offered by the feed's one heartbeat timer to the subscriptions that asked for it (never to a Blazor circuit).
    /// </summary>
    internal static readonly FeedEvent Heartbeat = new(0, "", DateTimeOffset.MinValue, "heartbeat", Encoding.UTF8.GetBytes(": heartbeat\n\n"));
}
