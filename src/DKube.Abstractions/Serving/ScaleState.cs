namespace DKube.Abstractions.Serving;

/// <summary>What the autoscaler saw and decided at its last tick.</summary>
[GenerateSerializer]
[Alias("dkube.scale-state")]
public sealed record ScaleState(
    [property: Id(0)] double ObservedConcurrency,
    [property: Id(1)] double StableConcurrency,
    [property: Id(2)] double PanicConcurrency,
    [property: Id(3)] bool Panicking,
    [property: Id(4)] int DesiredReplicas,
    [property: Id(5)] DateTimeOffset? DecidedAt);
