namespace DKube.Abstractions.Pipelines;

/// <summary>
/// A pipeline run (KFP's run detail): the version it runs, its parameters (as text), its status
/// and every task's. <see cref="RecurringRun"/> and <see cref="ScheduledAt"/> are set on a run a
/// recurring run triggered.
/// </summary>
[GenerateSerializer]
[Alias("dkube.pipeline-run")]
public sealed record PipelineRunView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Owner,
    [property: Id(3)] string Group,
    [property: Id(4)] string? Project,
    [property: Id(5)] string Pipeline,
    [property: Id(6)] string Version,
    [property: Id(7)] string? Experiment,
    [property: Id(8)] IReadOnlyDictionary<string, string> Parameters,
    [property: Id(9)] PipelineRunStatus Status,
    [property: Id(10)] string? Reason,
    [property: Id(11)] IReadOnlyList<PipelineTaskView> Tasks,
    [property: Id(12)] DateTimeOffset CreatedAt,
    [property: Id(13)] DateTimeOffset? EndedAt,
    [property: Id(14)] bool Archived,
    [property: Id(15)] string? RecurringRun,
    [property: Id(16)] DateTimeOffset? ScheduledAt,
    [property: Id(17)] string? Cluster);
