namespace DKube.Abstractions.Monitors;

/// <summary>
/// The true label of one prediction: <see cref="RequestId"/> is the gateway's <c>X-Request-Id</c>,
/// optionally <c>#n</c> for the n-th instance (from 0) of a request that carried several.
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-ground-truth")]
public sealed record GroundTruthRow(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string Label);
