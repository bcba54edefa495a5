using DKube.Abstractions.Clusters;
using DKube.Abstractions.Workloads;

namespace DKube.Grains.Clusters;

[GenerateSerializer]
[Alias("dkube.state.cluster")]
public sealed class ClusterState
{
    [Id(0)]
    public ClusterSpec? Spec { get; set; }

    [Id(1)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Workload id to the GPUs it holds here.</summary>
    [Id(2)]
    public Dictionary<string, Allocation> Reservations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The credential settings (see <see cref="ClusterSecrets"/>), sealed; <see cref="Spec"/> holds none of them.</summary>
    [Id(3)]
    public Dictionary<string, byte[]> SealedSettings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The cluster's queue as JSON (<c>ClusterQueueSnapshot</c>: the waiting claims and the group of
    /// each reservation; the pure library carries no serializer attributes).
    /// </summary>
    [Id(10)]
    public string? QueueJson { get; set; }
}
