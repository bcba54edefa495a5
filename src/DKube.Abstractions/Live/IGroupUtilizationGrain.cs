using Orleans.Concurrency;

namespace DKube.Abstractions.Live;

/// <summary>
/// A group's utilization (keyed by group name): the agents of the clusters it runs on report their
/// samples here, it rolls them up per user, keeps a short history in memory (live figures, not
/// records: a restart starts it afresh), exports the gauges and publishes a <c>utilization</c> event.
/// </summary>
[Alias("dkube.IGroupUtilizationGrain")]
public interface IGroupUtilizationGrain : IGrainWithStringKey
{
    /// <summary>
    /// The samples of <paramref name="cluster"/> for this group (an empty list: nothing of the group
    /// runs there any more); they count until replaced, or until <paramref name="validFor"/> has passed.
    /// </summary>
    [Alias("Record")]
    Task Record(string cluster, DateTimeOffset at, TimeSpan validFor, IReadOnlyList<WorkloadUsage> usage);

    [Alias("Get")]
    [ReadOnly]
    Task<GroupUtilization> Get();

    /// <summary>The totals over the last <paramref name="window"/>, one point per <paramref name="step"/> (averaged).</summary>
    [Alias("History")]
    [ReadOnly]
    Task<IReadOnlyList<UtilizationPoint>> History(TimeSpan window, TimeSpan step);
}
