namespace DKube.Abstractions.Serving;

/// <summary>
/// A deployment's requests in one time bucket starting at <see cref="From"/>: <see cref="ClientErrors"/>
/// and <see cref="ServerErrors"/> among the <see cref="WithStatus"/> requests whose status is known,
/// the percentiles over the <see cref="WithLatency"/> whose latency is known (every request the
/// gateway served; posted predictions of an imported deployment only when they carried them).
/// </summary>
[GenerateSerializer]
[Alias("dkube.prediction-window-stats")]
public sealed record PredictionWindowStats(
    [property: Id(0)] DateTimeOffset From,
    [property: Id(1)] long Requests,
    [property: Id(2)] long ClientErrors,
    [property: Id(3)] long ServerErrors,
    [property: Id(4)] double? P50Ms,
    [property: Id(5)] double? P95Ms,
    [property: Id(6)] double? P99Ms,
    [property: Id(7)] long WithStatus,
    [property: Id(8)] long WithLatency);
