using DKube.Abstractions.Workloads;
using DKube.Executors;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Execution;

/// <summary>Routes what executors report to the workload grain of each execution.</summary>
public sealed class WorkloadStatusSink(IGrainFactory grains, ILogger<WorkloadStatusSink> logger) : IExecutionStatusSink
{
    public async Task ReportAsync(ExecutionStatus status, CancellationToken cancellationToken)
    {
        if (!ExecutionIds.TryParse(status.Id, out var workloadId, out var attempt))
        {
            logger.LogWarning("Ignoring a status for unknown execution {Id}", status.Id);
            return;
        }

        await grains.GetGrain<IWorkloadGrain>(workloadId).Report(new ExecutionReport(attempt, Map(status), status.At, status.ExitCode, status.Reason));
    }

    public static WorkloadStatus Map(ExecutionStatus status) => status.State switch
    {
        ExecutionState.Pending => WorkloadStatus.Queued,
        ExecutionState.Running => WorkloadStatus.Running,
        ExecutionState.Succeeded => WorkloadStatus.Complete,
        ExecutionState.Failed => WorkloadStatus.Failed,
        ExecutionState.Stopped => WorkloadStatus.Stopped,
        ExecutionState.Lost => WorkloadStatus.Failed,
        _ => WorkloadStatus.Error,
    };
}
