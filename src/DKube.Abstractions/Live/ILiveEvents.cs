namespace DKube.Abstractions.Live;

/// <summary>
/// The one way a grain tells the live feed that something changed, after the change is stored:
/// <c>await live.Publish(LiveTopics.Workloads, LiveScope.Of(owner, group), view);</c>.
/// It returns at once (the event is queued on the silo and sent to the hub in order, in batches,
/// off the caller's turn) and never throws: a feed that cannot be reached costs subscribers an
/// event, never the caller its change or its time.
/// </summary>
public interface ILiveEvents
{
    /// <param name="topic">One of <see cref="LiveTopics"/>.</param>
    /// <param name="scope">Who may see it.</param>
    /// <param name="payload">A [GenerateSerializer] view record; the feed writes it as JSON (camelCase, enums as strings).</param>
    Task Publish(string topic, LiveScope scope, object payload);
}
