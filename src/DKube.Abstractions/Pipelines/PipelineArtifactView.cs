namespace DKube.Abstractions.Pipelines;

/// <summary>
/// An artifact a task wrote: <see cref="Uri"/> names it (<c>dkube://executions/{execution}/{file}</c>);
/// it lives as <see cref="File"/> in the output folder of <see cref="Execution"/> (the task run's
/// execution), where downstream tasks of the same owner read it. A <c>system.Dataset</c> or
/// <c>system.Model</c> is also kept as <see cref="Version"/> of a dataset or model (made at the
/// task's end), and downstream tasks get that version's content; <see cref="Entry"/> is the file
/// inside the version when the artifact was one file (null: the version is the artifact's folder).
/// </summary>
[GenerateSerializer]
[Alias("dkube.pipeline-artifact")]
public sealed record PipelineArtifactView(
    [property: Id(0)] string Uri,
    [property: Id(1)] string SchemaTitle,
    [property: Id(2)] string? Execution,
    [property: Id(3)] string? File,
    [property: Id(4)] Repos.VersionId? Version = null,
    [property: Id(5)] string? Entry = null);
