namespace DKube.Pipelines;

/// <summary>The tasks of a DAG component, and which of their outputs the DAG exposes as its own.</summary>
public sealed record DagSpec(
    IReadOnlyDictionary<string, TaskSpec> Tasks,
    IReadOnlyDictionary<string, DagOutput> OutputParameters,
    IReadOnlyDictionary<string, DagOutput> OutputArtifacts);
