using System.Threading.Channels;
using DKube.Abstractions.Live;
using DKube.Abstractions.Tenancy;

namespace DKube.Api.Feeds;

/// <summary>
/// One subscriber of <see cref="LiveFeed"/> (an SSE client, a Blazor circuit): the events it may see
/// of the topics it asked for, in a bounded channel. A subscriber that falls more than the buffer
/// behind is dropped: its channel completes and <see cref="End"/> says <see cref="FeedEnd.Overflowed"/>;
/// it resumes by subscribing again after <see cref="LastId"/>. Dispose to leave.
/// </summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly Channel<FeedEvent> _events;
    private readonly Action<LiveSubscription> _leave;
    private readonly int _topics;
    private long _lastWritten;
    private long _lastOffered;
    private volatile bool _heartbeats;

    internal LiveSubscription(Caller caller, int topicMask, int buffer, Action<LiveSubscription> leave, long now)
    {
        Caller = caller;
        _topics = topicMask;
        _leave = leave;
        _lastOffered = now;
        // Two writers: the feed's fan-out and its heartbeat timer (a bounded channel locks either way).
        _events = Channel.CreateBounded<FeedEvent>(new BoundedChannelOptions(buffer) { SingleReader = true, SingleWriter = false });
    }

    public Caller Caller { get; }

    public ChannelReader<FeedEvent> Events => _events.Reader;

    /// <summary>
    /// The <c>Last-Event-ID</c> it resumed from is older than what this process still holds (or was
    /// numbered before this process subscribed): events may have been missed, so re-read the state.
    /// </summary>
    public bool MissedEvents { get; internal set; }

    public FeedEnd End { get; private set; }

    /// <summary>The id of the last event handed to this subscriber (0: none yet).</summary>
    public long LastId => Volatile.Read(ref _lastWritten);

    /// <summary>Whether it gets <see cref="FeedEvent.Heartbeat"/> when quiet (an SSE stream does; a Blazor circuit has no use for it).</summary>
    internal bool Heartbeats
    {
        get => _heartbeats;
        set => _heartbeats = value;
    }

    /// <summary>When (<see cref="TimeProvider.GetTimestamp"/> of the feed's clock) it was last handed something.</summary>
    internal long LastOffered => Volatile.Read(ref _lastOffered);

    /// <param name="topicBit">The event's topic as <see cref="LiveFeed"/> numbers topics (classified once per event).</param>
    internal bool Wants(int topicBit, LiveScope scope) => (_topics & topicBit) != 0 && scope.VisibleTo(Caller);

    /// <summary>Hands an event over; false (and the channel completed) when the subscriber is too far behind.</summary>
    internal bool Offer(FeedEvent feedEvent, long now)
    {
        if (_events.Writer.TryWrite(feedEvent))
        {
            Volatile.Write(ref _lastWritten, feedEvent.Id);
            Volatile.Write(ref _lastOffered, now);
            return true;
        }

        End = FeedEnd.Overflowed;
        _events.Writer.TryComplete();
        return false;
    }

    /// <summary>Hands a heartbeat over; a full buffer is not quiet, so it is then left out, never counted as falling behind.</summary>
    internal void OfferHeartbeat(long now)
    {
        if (_events.Writer.TryWrite(FeedEvent.Heartbeat))
        {
            Volatile.Write(ref _lastOffered, now);
        }
    }

    /// <summary>Ends its events (the reader leaves its wait) without leaving the feed: its client went away.</summary>
    internal void Close() => _events.Writer.TryComplete();

    public void Dispose()
    {
        _events.Writer.TryComplete();
        _leave(this);
    }
}
