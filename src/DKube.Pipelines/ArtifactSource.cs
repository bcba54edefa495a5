namespace DKube.Pipelines;

/// <summary>
/// The source of a task's input artifact: an output of an upstream task
/// (<see cref="ProducerTask"/> set) or an input artifact of the enclosing DAG component.
/// </summary>
public sealed record ArtifactSource(string? ProducerTask, string Key);
