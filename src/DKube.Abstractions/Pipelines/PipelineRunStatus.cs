namespace DKube.Abstractions.Pipelines;

/// <summary>
/// The state of a pipeline run and of each of its tasks, as KFP names them. A run is one of the
/// first five; a task may also be <see cref="Skipped"/> (its condition was false, or an upstream
/// task failed) or <see cref="Cached"/> (it reused the outputs of an earlier task with its cache key).
/// </summary>
public enum PipelineRunStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Canceled,
    Skipped,
    Cached,
}
