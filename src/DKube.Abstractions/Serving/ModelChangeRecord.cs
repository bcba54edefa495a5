namespace DKube.Abstractions.Serving;

/// <summary>One change of the model behind an endpoint: from which version to which, asked when, serving since when.</summary>
[GenerateSerializer]
[Alias("dkube.model-change")]
public sealed record ModelChangeRecord(
    [property: Id(0)] int? FromVersion,
    [property: Id(1)] int ToVersion,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] DateTimeOffset? ServingSince);
