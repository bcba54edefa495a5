namespace DKube.Pipelines;

/// <summary>
/// A compiled Kubeflow Pipelines v2 pipeline (the IR the KFP SDK writes), parsed and validated.
/// <see cref="Root"/> is the pipeline's own DAG component; <see cref="Components"/> are the named
/// ones tasks refer to.
/// </summary>
public sealed record PipelineSpec(
    string Name,
    string? DisplayName,
    string? Description,
    string? SchemaVersion,
    string? SdkVersion,
    IReadOnlyDictionary<string, ComponentSpec> Components,
    IReadOnlyDictionary<string, ExecutorSpec> Executors,
    ComponentSpec Root)
{
    /// <summary>The component a task refers to (validation has checked that it exists).</summary>
    public ComponentSpec Component(TaskSpec task) => Components[task.ComponentRef];

    /// <summary>The executor of a container or importer component.</summary>
    public ExecutorSpec? Executor(ComponentSpec component) =>
        component.ExecutorLabel is { } label && Executors.TryGetValue(label, out var executor) ? executor : null;
}
