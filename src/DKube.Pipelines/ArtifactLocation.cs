namespace DKube.Pipelines;

/// <summary>
/// Where an artifact lives for a task: <see cref="Path"/> on the task's file system (what
/// <c>.path</c> placeholders give), <see cref="Uri"/> its durable name (what <c>.uri</c> gives).
/// </summary>
public sealed record ArtifactLocation(string Name, string SchemaTitle, string Path, string Uri);
