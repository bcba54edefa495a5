using DKube.Abstractions.Pools;
using DKube.Storage.Grains;

namespace DKube.Grains.Pools;

/// <summary>
/// What a group pool stores besides its queue: the queue's entries are rows of their own
/// (<see cref="QueueEntryStore"/>), written with this state in one transaction, so a write costs
/// the entries it changed and never the whole queue.
/// </summary>
[GenerateSerializer]
[Alias("dkube.state.pool")]
public sealed class PoolState : IProjectedState
{
    /// <summary>
    /// The scheduling model's snapshot as JSON (the pure library carries no serializer attributes),
    /// its queue empty; a state stored before the queue had its table holds the queue here, and the
    /// grain moves it to the table on its first write.
    /// </summary>
    [Id(0)]
    public string? SnapshotJson { get; set; }

    /// <summary>Request id to the workload kind of the running requests, for the pool view (a waiting one's is in its entry).</summary>
    [Id(1)]
    public Dictionary<string, string> Kinds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The clusters the group draws on; empty means every registered cluster.</summary>
    [Id(2)]
    public List<string> Clusters { get; set; } = [];

    [Id(3)]
    public QueuePolicy Policy { get; set; } = QueuePolicy.BestEffortFifo;

    [Id(4)]
    public TimeSpan MaxHeadAge { get; set; } = PoolDefaults.MaxHeadAge;

    /// <summary>The group's bound on waiting workloads per member; null: the server's default.</summary>
    [Id(5)]
    public int? QueuedPerUser { get; set; }

    /// <summary>The group's bound on all waiting workloads; null: the server's default.</summary>
    [Id(6)]
    public int? QueuedPerGroup { get; set; }

    /// <summary>The running requests of workloads only their owner may see (<see cref="PoolRequest.OwnerOnly"/>), for the pool view.</summary>
    [Id(7)]
    public HashSet<string> OwnerOnly { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The last queue entry's sequence number: the next enqueue takes the one after, so the table's order is the queue's.</summary>
    [Id(8)]
    public long QueueSeq { get; set; }

    // The queue changes of the write in progress, set by the grain for that one write: never stored as state.
    [NonSerialized]
    private IReadOnlyList<QueueEntryRow> _entriesToWrite = [];

    [NonSerialized]
    private IReadOnlyList<string> _entriesToRemove = [];

    /// <summary>The queue entries the next write stores and removes (with the state, in its transaction); empty lists after it.</summary>
    public void QueueChanges(IReadOnlyList<QueueEntryRow> write, IReadOnlyList<string> remove) =>
        (_entriesToWrite, _entriesToRemove) = (write, remove);

    public void ProjectWrite(string key, Projection projection)
    {
        foreach (var id in _entriesToRemove)
        {
            projection.RemoveQueueEntry(key, id);
        }

        foreach (var row in _entriesToWrite)
        {
            projection.QueueEntry(key, row);
        }
    }

    public void ProjectClear(string key, Projection projection) => projection.ClearQueue(key);
}
