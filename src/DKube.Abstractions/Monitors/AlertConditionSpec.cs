namespace DKube.Abstractions.Monitors;

/// <summary>One condition of an alert: <c>subject op value</c>, the subject a feature (drift) or a metric.</summary>
[GenerateSerializer]
[Alias("dkube.monitor-condition")]
public sealed record AlertConditionSpec(
    [property: Id(0)] string Subject,
    [property: Id(1)] string Op,
    [property: Id(2)] double Value);
