namespace DKube.Abstractions.Pipelines;

/// <summary>
/// A recurring run: which pipeline version runs, with which parameters, in which experiment, and
/// when: exactly one of <see cref="Cron"/> (six fields with seconds, as KFP writes it, or five) and
/// <see cref="IntervalSeconds"/>, between <see cref="StartTime"/> and <see cref="EndTime"/>.
/// </summary>
[GenerateSerializer]
[Alias("dkube.recurring-run-request")]
public sealed record RecurringRunRequest(
    [property: Id(0)] string Name,
    [property: Id(1)] string Owner,
    [property: Id(2)] string Group,
    [property: Id(3)] string? Project,
    [property: Id(4)] string Pipeline,
    [property: Id(5)] string? Version,
    [property: Id(6)] string Experiment,
    [property: Id(7)] IReadOnlyDictionary<string, string> Parameters,
    [property: Id(8)] string? Cron,
    [property: Id(9)] long? IntervalSeconds,
    [property: Id(10)] DateTimeOffset? StartTime,
    [property: Id(11)] DateTimeOffset? EndTime,
    [property: Id(12)] int MaxConcurrency,
    [property: Id(13)] bool NoCatchup,
    [property: Id(14)] bool Enabled,
    [property: Id(15)] string? Cluster);
