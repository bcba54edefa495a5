namespace DKube.Abstractions.Pipelines;

public static class PipelineRunStatusExtensions
{
    /// <summary>Nothing more happens to a run or task in this state (until a retry).</summary>
    public static bool IsFinal(this PipelineRunStatus status) => status is not (PipelineRunStatus.Pending or PipelineRunStatus.Running);

    /// <summary>A task in this state produced outputs its downstream tasks may read.</summary>
    public static bool HasOutputs(this PipelineRunStatus status) => status is PipelineRunStatus.Succeeded or PipelineRunStatus.Cached;
}
