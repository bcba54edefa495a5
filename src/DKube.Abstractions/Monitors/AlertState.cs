namespace DKube.Abstractions.Monitors;

/// <summary>Where one alert stands: firing (since when) or not, and its current run of breaching evaluations.</summary>
[GenerateSerializer]
[Alias("dkube.monitor-alert-state")]
public sealed record AlertState(
    [property: Id(0)] string Alert,
    [property: Id(1)] bool Firing,
    [property: Id(2)] int Breaches,
    [property: Id(3)] DateTimeOffset? Since);
