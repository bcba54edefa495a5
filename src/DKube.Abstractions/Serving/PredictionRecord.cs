namespace DKube.Abstractions.Serving;

/// <summary>
/// One inference request as the gateway saw it (or as an imported deployment's owner posted it).
/// The gateway records every request with its status and latency (the health of a deployment and
/// its metrics come from these); a posted prediction carries them only when its poster knew them,
/// else they are null (unknown: counted as a request, left out of error rates and latency
/// percentiles). <see cref="Inputs"/> and <see cref="Outputs"/> are the JSON bodies, kept only
/// when the deployment logs predictions and the body is within the log's size bound.
/// </summary>
[GenerateSerializer]
[Alias("dkube.prediction-record")]
public sealed record PredictionRecord(
    [property: Id(0)] string Deployment,
    [property: Id(1)] string RequestId,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] int? Status,
    [property: Id(4)] double? LatencyMs,
    [property: Id(5)] string? Inputs,
    [property: Id(6)] string? Outputs);
