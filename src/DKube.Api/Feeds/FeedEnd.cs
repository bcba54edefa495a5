namespace DKube.Api.Feeds;

/// <summary>Why a subscription's events ended (besides the subscriber leaving).</summary>
public enum FeedEnd
{
    /// <summary>Still open, or closed by its subscriber.</summary>
    None,

    /// <summary>It fell more than the client buffer behind and was dropped; it may resume from its last event id.</summary>
    Overflowed,
}
