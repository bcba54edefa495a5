namespace DKube.Abstractions.Leaderboards;

/// <summary>A member's best scored submission: its id, metrics and when it was made.</summary>
[GenerateSerializer]
[Alias("dkube.best-submission")]
public sealed record BestSubmission(
    [property: Id(0)] string Submission,
    [property: Id(1)] IReadOnlyDictionary<string, double> Metrics,
    [property: Id(2)] DateTimeOffset At);
