namespace DKube.Api.Gateway;

/// <summary>The inference gateway's switches (README: <c>DKUBE_SERVING_QUEUE_DEPTH</c>, <c>DKUBE_SERVING_WAIT_SECONDS</c>).</summary>
public sealed class GatewayOptions
{
    /// <summary>Requests of one deployment that may wait for a free replica; more get 503 with Retry-After.</summary>
    public int QueueDepth { get; set; } = 1000;

    /// <summary>How long a request waits for a replica (a cold start from zero included) before it gets 503.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Largest request or response body kept in the prediction log; a request with a larger one is logged without bodies.</summary>
    public int MaxPredictionBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// How often each deployment's concurrency is reported to its grain. Knative's queue-proxy
    /// reports every second and its autoscaler decides every 2 s, which takes up to 3 s to see a load
    /// step; here the grain checks its panic condition on every report, so this interval bounds the
    /// reaction to a step (a one-way message per busy deployment and gateway, each 500 ms).
    /// </summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A deployment no request reached for this long leaves the table (and stops being followed).</summary>
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromMinutes(10);
}
