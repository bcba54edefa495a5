namespace DKube.Abstractions.Repos;

/// <summary>
/// What started the run that made a version, when a parent did (a study, a pipeline run, a
/// monitor): its kind and id, and for a monitor the alert that fired (<see cref="Cause"/>).
/// </summary>
[GenerateSerializer]
[Alias("dkube.lineage-trigger")]
public sealed record LineageTrigger(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string? Cause = null);
