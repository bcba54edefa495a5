namespace DKube.Abstractions.Workloads;

public static class WorkloadStatusExtensions
{
    /// <summary>Ended for good: holds no GPUs and may be deleted.</summary>
    public static bool IsFinal(this WorkloadStatus status) =>
        status is WorkloadStatus.Complete or WorkloadStatus.Failed or WorkloadStatus.Stopped or WorkloadStatus.Error;
}
