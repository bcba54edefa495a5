namespace DKube.Abstractions.Leaderboards;

/// <summary>
/// One submission and its result. <see cref="Metrics"/>, <see cref="Sort"/> and <see cref="Direction"/>
/// are what the evaluation's metrics.json said; <see cref="Reason"/> why it failed (never the
/// evaluation's log). <see cref="Run"/> is the evaluation run, visible to the project's owner only.
/// </summary>
[GenerateSerializer]
[Alias("dkube.submission")]
public sealed record Submission(
    [property: Id(0)] string Id,
    [property: Id(1)] string User,
    [property: Id(2)] SubmittedModel Model,
    [property: Id(3)] SubmissionStatus Status,
    [property: Id(4)] IReadOnlyDictionary<string, double>? Metrics,
    [property: Id(5)] string? Sort,
    [property: Id(6)] MetricGoal? Direction,
    [property: Id(7)] string? Reason,
    [property: Id(8)] DateTimeOffset SubmittedAt,
    [property: Id(9)] DateTimeOffset? EndedAt,
    [property: Id(10)] string Run);
