namespace DKube.Abstractions.Repos;

/// <summary>
/// What started the run that made a version, when a parent did (a study, a pipeline run, a
/// monitor): its kind and id, and for a monitor the alert that fired (<see cref="Cause"/>).
/// <see cref="Task"/>: for a pipeline run, the task (its path in the DAG) whose run made the version.
/// </summary>
[GenerateSerializer]
[Alias("dkube.lineage-trigger")]
public sealed record LineageTrigger(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string? Cause = null,
    [property: Id(3)] string? Task = null);
