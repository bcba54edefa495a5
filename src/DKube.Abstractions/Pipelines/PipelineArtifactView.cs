namespace DKube.Abstractions.Pipelines;

/// <summary>
/// An artifact a task wrote: <see cref="Uri"/> names it (<c>dkube://executions/{execution}/{file}</c>);
/// it lives as <see cref="File"/> in the output folder of <see cref="Execution"/> (the task run's
/// execution), where downstream tasks of the same owner read it.
/// </summary>
[GenerateSerializer]
[Alias("dkube.pipeline-artifact")]
public sealed record PipelineArtifactView(
    [property: Id(0)] string Uri,
    [property: Id(1)] string SchemaTitle,
    [property: Id(2)] string? Execution,
    [property: Id(3)] string? File);
