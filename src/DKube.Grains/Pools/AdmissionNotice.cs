using DKube.Abstractions.Workloads;
using DKube.Grains.Faults;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Pools;

/// <summary>
/// Tells a workload it may take up GPUs (its pool admitted it, or its cluster placed it), off the
/// caller's turn and again until it has taken the news: a workload that never hears of its GPUs
/// would wait for ever while they are booked for it. <see cref="IWorkloadGrain.Admitted"/> is
/// idempotent, so a retry after a lost answer does no harm; if the budget is spent, the
/// reconciler's sweep of waiting workloads asks the pool and the cluster again.
/// </summary>
public static class AdmissionNotice
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(5);

    public static void Send(IGrainFactory grains, string id, Allocation allocation, ILogger logger) =>
        _ = Task.Run(() => DeliverAsync(grains, id, allocation, logger));

    private static async Task DeliverAsync(IGrainFactory grains, string id, Allocation allocation, ILogger logger)
    {
        try
        {
            await TransientRetry.RunAsync(() => grains.GetGrain<IWorkloadGrain>(id).Admitted(allocation), Budget, logger, $"Admission of {id}");
        }
        catch (Exception e)
        {
            // The workload's own answer (e.g. it is gone), or the budget is spent: the reconciler's
            // sweep of waiting workloads asks again, which answers the same admission.
            logger.LogWarning(e, "Admission of {Id} not delivered", id);
        }
    }
}
