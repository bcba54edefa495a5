using DKube.Abstractions.Workloads;
using DKube.Executors;
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
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    public async Task ReportAsync(ExecutionStatus status, CancellationToken cancellationToken)
    {
        if (!ExecutionIds.TryParse(status.Id, out var workloadId, out var attempt))
        {
            logger.LogWarning("Ignoring a status for unknown execution {Id}", status.Id);
            return;
        }

        var report = new ExecutionReport(attempt, Map(status), status.At, status.ExitCode, status.Reason);
        var deadline = DateTime.UtcNow + RetryBudget;
        var delay = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                await grains.GetGrain<IWorkloadGrain>(workloadId).Report(report);
                return;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or Abstractions.Errors.DependencyUnavailableException or System.Data.Common.DbException
                                      && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Report {Status} of {Id} not taken ({Error}); retrying in {Delay}", report.Status, status.Id, e.Message, delay);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
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
