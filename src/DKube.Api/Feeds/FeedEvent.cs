namespace DKube.Api.Feeds;

/// <summary>
/// An event as the feed hands it to a subscriber: the payload (a view record, for in-process
/// subscribers such as a Blazor circuit) and its JSON, written once per process for every client.
/// </summary>
public sealed record FeedEvent(long Id, string Topic, DateTimeOffset At, object Payload, string Json);
