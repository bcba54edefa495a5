namespace DKube.Abstractions.Workloads;

public static class WorkloadStatusExtensions
{
    /// <summary>Ended for good: holds no GPUs and may be deleted.</summary>
    public static bool IsFinal(this WorkloadStatus status) =>
        status is WorkloadStatus.Complete or WorkloadStatus.Failed or WorkloadStatus.Stopped or WorkloadStatus.Error;

    /// <summary>Holds (or is about to hold) GPUs on a cluster.</summary>
    public static bool IsActive(this WorkloadStatus status) =>
        status is WorkloadStatus.Starting or WorkloadStatus.Running or WorkloadStatus.Stopping;
}
