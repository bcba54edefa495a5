using DKube.Abstractions.Workloads;
using DKube.Executors;
using DKube.Grains.Faults;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Execution;

/// <summary>
/// Routes what executors report to the workload grain of each execution. A report is the only
/// word the grain gets that its work ended, so one the grain could not take (its database or its
/// silo was away) is retried until it lands; reports are idempotent and stale ones are ignored.
/// </summary>
public sealed class WorkloadStatusSink(IGrainFactory grains, ILogger<WorkloadStatusSink> logger) : IExecutionStatusSink
{
    private static readonly TimeSpan RetryBudget = TimeSpan.FromMinutes(10);

    public Task ReportAsync(ExecutionStatus status, CancellationToken cancellationToken) =>
        DeliverAsync(status.Id, attempt => new ExecutionReport(attempt, Map(status), status.At, status.ExitCode, status.Reason, Endpoint: status.Endpoint), cancellationToken);

    /// <summary>
    /// Delivers what the cluster's agent says about a step it performs for execution
    /// <paramref name="executionId"/> (staging, the kept output), retried like an executor's status.
    /// </summary>
    public Task ReportStepAsync(string executionId, WorkloadStatus status, DateTimeOffset at, string? reason, int? outputVersion, CancellationToken cancellationToken) =>
        DeliverAsync(executionId, attempt => new ExecutionReport(attempt, status, at, status == WorkloadStatus.Complete ? 0 : null, reason, outputVersion),
            cancellationToken);

    private async Task DeliverAsync(string executionId, Func<int, ExecutionReport> reportOf, CancellationToken cancellationToken)
    {
        if (!ExecutionIds.TryParse(executionId, out var workloadId, out var attempt))
        {
            logger.LogWarning("Ignoring a status for unknown execution {Id}", executionId);
            return;
        }

        var report = reportOf(attempt);
        await TransientRetry.RunAsync(() => grains.GetGrain<IWorkloadGrain>(workloadId).Report(report), RetryBudget, logger,
            $"Report {report.Status} of {executionId}", cancellationToken);
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
