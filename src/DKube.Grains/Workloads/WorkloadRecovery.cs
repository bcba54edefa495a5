using DKube.Abstractions.Common;
using DKube.Abstractions.Workloads;
using DKube.Storage.ReadModel;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace DKube.Grains.Workloads;

/// <summary>
/// When a silo becomes active, every workload that had not ended is asked to recover: queued
/// ones re-join their pool, running ones re-attach to their execution or are concluded (a local
/// process that died while the server was down is marked Failed and its GPUs are released).
/// </summary>
public sealed class WorkloadRecovery(IGrainFactory grains, ReadModelWriter readModel, ILogger<WorkloadRecovery> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly string[] Unfinished = Enum.GetValues<WorkloadStatus>().Where(s => !s.IsFinal()).Select(s => s.ToString()).ToArray();

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WorkloadRecovery), ServiceLifecycleStage.Active, RecoverAsync);

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (var kind in new[] { ResourceKinds.Run, ResourceKinds.Ide })
        {
            ids.AddRange(await readModel.FindByStatusAsync(kind, Unfinished, cancellationToken));
        }

        if (ids.Count == 0)
        {
            return;
        }

        logger.LogInformation("Recovering {Count} unfinished workloads", ids.Count);
        // In the background: a silo does not wait for its backlog before it serves.
        _ = Task.Run(async () =>
        {
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
            {
                try
                {
                    await grains.GetGrain<IWorkloadGrain>(id).Recover();
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Recovery of {Id} failed; it will be retried at the next start", id);
                }
            });
        }, CancellationToken.None);
    }
}
