using DKube.Abstractions.Pools;
using DKube.Abstractions.Workloads;
using DKube.Storage.ReadModel;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Workloads;

/// <summary>
/// Leaves out of a recovery the workloads that simply wait in their pool's queue. A stored
/// <c>Queued</c> or <c>WaitingForGpus</c> run that its pool holds needs nothing: the pool is the
/// durable record of the wait and tells the run when it is admitted. Asking each such run to
/// recover would activate every waiting run at every sweep and silo start (100,000 activations a
/// minute for a group with that many queued), so the pools are asked instead, one call per group.
/// </summary>
public static class QueuedInPool
{
    private static readonly string[] Waiting = [nameof(WorkloadStatus.Queued), nameof(WorkloadStatus.WaitingForGpus)];

    /// <summary>How many ids one call to a pool carries.</summary>
    private const int Chunk = 10_000;

    /// <summary>
    /// The ids of <paramref name="rows"/> that need recovery: every one not waiting, and the waiting
    /// ones their pool does not hold queued (never submitted, or admitted with the notice lost). A
    /// pool that cannot answer leaves all of its group's in (the safe side: recovery is idempotent).
    /// </summary>
    public static async Task<IReadOnlyList<string>> NeedingRecoveryAsync(IGrainFactory grains, IReadOnlyList<StatusRow> rows, ILogger logger)
    {
        var ids = rows.Where(r => !Waiting.Contains(r.Status)).Select(r => r.Id).ToList();
        foreach (var group in rows.Where(r => Waiting.Contains(r.Status)).GroupBy(r => r.Group))
        {
            foreach (var chunk in group.Select(r => r.Id).Chunk(Chunk))
            {
                try
                {
                    ids.AddRange(await grains.GetGrain<IGroupPoolGrain>(group.Key).Unqueued(chunk));
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Pool {Group} could not say which of {Count} waiting workloads it holds; all are recovered", group.Key, chunk.Length);
                    ids.AddRange(chunk);
                }
            }
        }

        return ids;
    }
}
