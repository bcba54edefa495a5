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
    private long _lastWritten;

    internal LiveSubscription(Caller caller, IReadOnlySet<string> topics, int buffer, Action<LiveSubscription> leave)
    {
        Caller = caller;
        Topics = topics;
        _leave = leave;
        _events = Channel.CreateBounded<FeedEvent>(new BoundedChannelOptions(buffer) { SingleReader = true, SingleWriter = true });
    }

    public Caller Caller { get; }

    public IReadOnlySet<string> Topics { get; }

    public ChannelReader<FeedEvent> Events => _events.Reader;

    /// <summary>
    /// The <c>Last-Event-ID</c> it resumed from is older than what this process still holds (or was
    /// numbered before this process subscribed): events may have been missed, so re-read the state.
    /// </summary>
    public bool MissedEvents { get; internal set; }

    public FeedEnd End { get; private set; }

    /// <summary>The id of the last event handed to this subscriber (0: none yet).</summary>
    public long LastId => Volatile.Read(ref _lastWritten);

    internal bool Wants(string topic, LiveScope scope) => Topics.Contains(topic) && scope.VisibleTo(Caller);

    /// <summary>Hands an event over; false (and the channel completed) when the subscriber is too far behind.</summary>
    internal bool Offer(FeedEvent feedEvent)
    {
        if (_events.Writer.TryWrite(feedEvent))
        {
            Volatile.Write(ref _lastWritten, feedEvent.Id);
            return true;
        }

        End = FeedEnd.Overflowed;
        _events.Writer.TryComplete();
        return false;
    }

    public void Dispose()
    {
        _events.Writer.TryComplete();
        _leave(this);
    }
}
