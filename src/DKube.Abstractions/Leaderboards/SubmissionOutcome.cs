namespace DKube.Abstractions.Leaderboards;

/// <summary>A submission accepted (<see cref="Accepted"/>), or refused by the daily limit until <see cref="RetryAt"/>.</summary>
[GenerateSerializer]
[Alias("dkube.submission-outcome")]
public sealed record SubmissionOutcome(
    [property: Id(0)] Submission? Accepted,
    [property: Id(1)] DateTimeOffset? RetryAt,
    [property: Id(2)] int? DailyLimit);
