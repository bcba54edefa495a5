namespace DKube.Abstractions.Serving;

/// <summary>A deployment's requests in one time bucket starting at <see cref="From"/>.</summary>
[GenerateSerializer]
[Alias("dkube.prediction-window-stats")]
public sealed record PredictionWindowStats(
    [property: Id(0)] DateTimeOffset From,
    [property: Id(1)] long Requests,
    [property: Id(2)] long ClientErrors,
    [property: Id(3)] long ServerErrors,
    [property: Id(4)] double? P50Ms,
    [property: Id(5)] double? P95Ms,
    [property: Id(6)] double? P99Ms);
