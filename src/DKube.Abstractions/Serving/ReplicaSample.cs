namespace DKube.Abstractions.Serving;

/// <summary>A deployment's replica counts from <see cref="At"/> on (a point of its replicas-over-time series).</summary>
[GenerateSerializer]
[Alias("dkube.replica-sample")]
public sealed record ReplicaSample(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int Desired,
    [property: Id(2)] int Ready);
