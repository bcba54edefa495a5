namespace DKube.Abstractions.Pipelines;

/// <summary>
/// What a pipeline run is made from: a pipeline version (the latest when null) and its parameters
/// as text (typed by the pipeline's declared parameter types), in an experiment or not, for an
/// owner in a group, on a cluster (the group pool's choice when null).
/// </summary>
[GenerateSerializer]
[Alias("dkube.pipeline-run-request")]
public sealed record PipelineRunRequest(
    [property: Id(0)] string Name,
    [property: Id(1)] string Owner,
    [property: Id(2)] string Group,
    [property: Id(3)] string? Project,
    [property: Id(4)] string Pipeline,
    [property: Id(5)] string? Version,
    [property: Id(6)] string? Experiment,
    [property: Id(7)] IReadOnlyDictionary<string, string> Parameters,
    [property: Id(8)] string? Cluster,
    [property: Id(9)] string? RecurringRun = null,
    [property: Id(10)] DateTimeOffset? ScheduledAt = null);
