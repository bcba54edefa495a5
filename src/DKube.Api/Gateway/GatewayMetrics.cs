using System.Diagnostics.Metrics;
using DKube.Abstractions.Common;

namespace DKube.Api.Gateway;

/// <summary>
/// The inference gateway's Prometheus series: <c>dkube_inference_requests_total{deployment,code}</c>
/// and <c>dkube_inference_request_duration_seconds{deployment}</c> (from arrival at the gateway,
/// queueing included, to the end of the answer).
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>Bucket bounds in seconds: a fast model's millisecond answers to a cold start's minutes.</summary>
    public static readonly IReadOnlyList<double> DurationBoundsSeconds =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(DKubeMeters.Name);
        _requests = meter.CreateCounter<long>("dkube_inference_requests", description: "Requests answered by the inference gateway, by deployment and status code.");
        // In seconds with explicit bounds: the exporter's default bounds are sized for milliseconds.
        _duration = meter.CreateHistogram("dkube_inference_request_duration", unit: "s", description: "Time from a request's arrival at the gateway to the end of its answer.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBoundsSeconds });
    }

    public void Answered(string deployment, int status, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("deployment", deployment);
        _requests.Add(1, tag, new KeyValuePair<string, object?>("code", StatusCode(status)));
        _duration.Record(duration.TotalSeconds, tag);
    }

    /// <summary>Status codes as strings, without allocating one per request for the common ones.</summary>
    private static string StatusCode(int status) => status switch
    {
        200 => "200",
        400 => "400",
        404 => "404",
        409 => "409",
        422 => "422",
        499 => "499",
        500 => "500",
        502 => "502",
        503 => "503",
        504 => "504",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
