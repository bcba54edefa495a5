namespace DKube.Abstractions.Serving;

/// <summary>
/// What the autoscaler saw and decided at its last evaluation: a tick, or a gateway's report (a
/// sample on which only a panic that asks for more replicas is acted on). <see cref="DesiredReplicas"/>
/// is what it decided at a tick and what is wanted after a report; <see cref="LastReportAt"/> is when the last report was taken.
/// </summary>
[GenerateSerializer]
[Alias("dkube.scale-state")]
public sealed record ScaleState(
    [property: Id(0)] double ObservedConcurrency,
    [property: Id(1)] double StableConcurrency,
    [property: Id(2)] double PanicConcurrency,
    [property: Id(3)] bool Panicking,
    [property: Id(4)] int DesiredReplicas,
    [property: Id(5)] DateTimeOffset? DecidedAt,
    [property: Id(6)] DateTimeOffset? LastReportAt = null);
