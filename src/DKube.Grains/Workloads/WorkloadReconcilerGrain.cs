using DKube.Abstractions.Common;
using DKube.Abstractions.Workloads;
using DKube.Storage.ReadModel;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace DKube.Grains.Workloads;

/// <inheritdoc cref="IWorkloadReconcilerGrain"/>
public sealed class WorkloadReconcilerGrain(ReadModelWriter readModel, ReconcileOptions options, ILogger<WorkloadReconcilerGrain> logger)
    : Grain, IWorkloadReconcilerGrain, IRemindable
{
    private const string Reminder = "sweep";

    /// <summary>
    /// States a workload passes through on its way somewhere else. A workload still waiting for
    /// GPUs is swept too unless its pool holds it queued (<see cref="QueuedInPool"/>): if its pool
    /// admitted it but could not tell it (the delivery gave up), the pool answers the admission again; if it waits for room on its cluster, the cluster is asked
    /// again (idempotent), which answers its placement if that notice was lost. Running is the executor's to end (its reports are retried
    /// until taken, and a dead silo's runs are adopted by the <see cref="Clusters.ClusterAgentKeeper"/>).
    /// </summary>
    private static readonly string[] Transitional =
    [
        nameof(WorkloadStatus.Queued), nameof(WorkloadStatus.WaitingForGpus), nameof(WorkloadStatus.Starting), nameof(WorkloadStatus.Stopping),
    ];

    private Task _sweep = Task.CompletedTask;

    public Task Ensure() => this.RegisterOrUpdateReminder(Reminder, options.Period, options.Period);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!_sweep.IsCompleted)
        {
            return;
        }

        var rows = new List<StatusRow>();
        foreach (var kind in new[] { ResourceKinds.Run, ResourceKinds.Ide })
        {
            rows.AddRange(await readModel.FindByStatusAsync(kind, Transitional, options.Period));
        }

        var ids = await QueuedInPool.NeedingRecoveryAsync(GrainFactory, rows, logger);
        if (ids.Count == 0)
        {
            return;
        }

        logger.LogInformation("Reconciling {Count} workloads unchanged in a transitional state for {Period}", ids.Count, options.Period);
        // Off the reminder's turn: a long sweep must not time the tick out; one sweep at a time.
        var grains = GrainFactory;
        _sweep = Task.Run(() => WorkloadRecovery.RecoverEachAsync(grains, ids, TimeSpan.Zero, logger));
    }
}
