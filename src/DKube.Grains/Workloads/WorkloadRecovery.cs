using DKube.Abstractions.Common;
using DKube.Abstractions.Workloads;
using DKube.Grains.Faults;
using DKube.Storage.ReadModel;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace DKube.Grains.Workloads;

/// <summary>
/// When a silo becomes active, every workload that had not ended is asked to recover (but those
/// their pool holds queued, see <see cref="QueuedInPool"/>): queued ones re-join their pool, running ones re-attach to their execution or are concluded (a local
/// process that died while the server was down is marked Failed and its GPUs are released).
/// The silo also makes sure the reconciler's reminder is registered.
/// </summary>
public sealed class WorkloadRecovery(IGrainFactory grains, ReadModelWriter readModel, ILogger<WorkloadRecovery> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly string[] Unfinished = Enum.GetValues<WorkloadStatus>().Where(s => !s.IsFinal()).Select(s => s.ToString()).ToArray();

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WorkloadRecovery), ServiceLifecycleStage.Active, RecoverAsync);

    /// <summary>
    /// Asks each workload to recover (eight at a time), retrying transient failures for
    /// <paramref name="retryBudget"/>: right after a silo died, calls to the grains it hosted fail
    /// until the membership has declared it dead. A workload that still fails is logged and left
    /// to the next start or sweep.
    /// </summary>
    public static Task RecoverEachAsync(IGrainFactory grains, IEnumerable<string> ids, TimeSpan retryBudget, ILogger logger) =>
        Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
        {
            try
            {
                await TransientRetry.RunAsync(() => grains.GetGrain<IWorkloadGrain>(id).Recover(), retryBudget, logger, $"Recovery of {id}");
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Recovery of {Id} failed; the reconciler will try again", id);
            }
        });

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<IWorkloadReconcilerGrain>(IWorkloadReconcilerGrain.Key).Ensure();
        }
        catch (Exception e)
        {
            // Another silo's start registers it too; the reminder table keeps it once registered.
            logger.LogWarning(e, "Could not register the workload reconciler's reminder");
        }

        var rows = new List<StatusRow>();
        foreach (var kind in new[] { ResourceKinds.Run, ResourceKinds.Ide })
        {
            rows.AddRange(await readModel.FindByStatusAsync(kind, Unfinished, cancellationToken: cancellationToken));
        }

        if (rows.Count == 0)
        {
            return;
        }

        // In the background: a silo does not wait for its backlog (or its pools' activations) before it serves.
        _ = Task.Run(async () =>
        {
            var ids = await QueuedInPool.NeedingRecoveryAsync(grains, rows, logger);
            logger.LogInformation("Recovering {Count} unfinished workloads ({Queued} more wait in their pools' queues)", ids.Count, rows.Count - ids.Count);
            await RecoverEachAsync(grains, ids, TimeSpan.Zero, logger);
        }, CancellationToken.None);
    }
}
