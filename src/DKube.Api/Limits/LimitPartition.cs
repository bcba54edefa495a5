namespace DKube.Api.Limits;

/// <summary>
/// Endpoint metadata that puts requests into a rate limit partition of their own, with its own
/// rate and burst per caller, outside the general reads/writes buckets and outside the fair request
/// queue (both are long-lived or queued by their own rules: an event stream holds its connection,
/// the gateway queues per deployment). Applied with one line:
/// <code>feeds.MapGet("/events", Stream).RequireCaller().LimitedAs(LimitPartition.Feeds);</code>
/// A path that authenticates by itself (the gateway's reverse proxy) calls
/// <see cref="TenantRateLimiter.AcquireAsync(Microsoft.AspNetCore.Http.HttpContext, DKube.Abstractions.Tenancy.Caller, LimitPartition)"/> instead.
/// </summary>
public sealed record LimitPartition(string Name)
{
    /// <summary><c>GET /feeds/...</c>: stream connections per second (<c>DKUBE_RATE_FEEDS_PER_SECOND</c>).</summary>
    public static readonly LimitPartition Feeds = new("feeds");

    /// <summary><c>/serve/{deployment}/...</c>: inference requests per second (<c>DKUBE_RATE_INFERENCE_PER_SECOND</c>).</summary>
    public static readonly LimitPartition Inference = new("inference");
}
