namespace DKube.Api.Feeds;

/// <summary>The live feed of one API process: its replay buffer, each client's buffer, its heartbeat.</summary>
/// <param name="ReplayEvents">Events kept for clients that resume with <c>Last-Event-ID</c>.</param>
/// <param name="ClientBuffer">Events a client may fall behind by before it is dropped.</param>
public sealed record FeedOptions(int ReplayEvents = 10_000, int ClientBuffer = 1_024)
{
    /// <summary>A comment line this often keeps proxies and clients from timing an idle feed out.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>How often the process renews its subscription with the hub (well within its lifetime there).</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(30);
}
