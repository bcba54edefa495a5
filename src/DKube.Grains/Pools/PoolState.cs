using DKube.Abstractions.Pools;

namespace DKube.Grains.Pools;

[GenerateSerializer]
[Alias("dkube.state.pool")]
public sealed class PoolState
{
    /// <summary>The scheduling model's snapshot as JSON: the pure library carries no serializer attributes.</summary>
    [Id(0)]
    public string? SnapshotJson { get; set; }

    /// <summary>Request id to the workload kind, for the pool view.</summary>
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

    /// <summary>The requests of workloads only their owner may see (<see cref="PoolRequest.OwnerOnly"/>), for the pool view.</summary>
    [Id(7)]
    public HashSet<string> OwnerOnly { get; set; } = new(StringComparer.Ordinal);
}
