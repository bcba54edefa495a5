namespace DKube.Abstractions.Pipelines;

/// <summary>
/// One task of a pipeline run. <see cref="Name"/> is its path from the root DAG
/// (<c>exit-handler-1/print-op</c>; a ParallelFor iteration is <c>for-loop-2[0]/print-op</c>);
/// <see cref="Run"/> is the DKube run that executes it (container tasks), its id derived from the
/// pipeline run, the path and <see cref="Attempt"/>. <see cref="Outputs"/> holds output parameter
/// values as text (what the step wrote), <see cref="Artifacts"/> its output artifacts.
/// <see cref="Created"/> is internal bookkeeping: the task's run has been created (it is stored
/// before the create, so a restart re-creates the same id rather than another run). <see cref="Step"/>
/// names DKube's own step kinds (<c>dkube-training</c>, <c>dkube-preprocessing</c>, <c>dkube-serving</c>,
/// <c>dkube-storage</c>); a serving step's <see cref="Deployment"/> is the deployment it made.
/// </summary>
[GenerateSerializer]
[Alias("dkube.pipeline-task")]
public sealed record PipelineTaskView(
    [property: Id(0)] string Name,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string Kind,
    [property: Id(3)] string? Parent,
    [property: Id(4)] PipelineRunStatus Status,
    [property: Id(5)] string? Run,
    [property: Id(6)] int Attempt,
    [property: Id(7)] bool Created,
    [property: Id(8)] string? Reason,
    [property: Id(9)] IReadOnlyDictionary<string, string?> Inputs,
    [property: Id(10)] IReadOnlyDictionary<string, PipelineArtifactView> InputArtifacts,
    [property: Id(11)] IReadOnlyDictionary<string, string>? Outputs,
    [property: Id(12)] IReadOnlyDictionary<string, PipelineArtifactView>? Artifacts,
    [property: Id(13)] string? CacheKey,
    [property: Id(14)] string? CachedFrom,
    [property: Id(15)] IReadOnlyList<string>? Items,
    [property: Id(16)] DateTimeOffset? StartedAt,
    [property: Id(17)] DateTimeOffset? EndedAt,
    [property: Id(18)] string? Deployment = null,
    [property: Id(19)] string? Step = null)
{
    /// <summary>
    /// Task kinds: a container step, an importer, a nested DAG (condition, exit handler, sub-pipeline),
    /// a ParallelFor, and a DKube serving step (<see cref="Deployment"/> is the deployment it makes).
    /// </summary>
    public const string Container = "container";
    public const string DeploymentKind = "deployment";
    public const string Importer = "importer";
    public const string Dag = "dag";
    public const string Loop = "loop";
}
