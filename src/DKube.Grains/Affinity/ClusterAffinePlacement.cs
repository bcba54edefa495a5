namespace DKube.Grains.Affinity;

/// <summary>
/// Places a grain keyed by a cluster name on a silo that runs in that cluster (by the silo's
/// <see cref="SiloCluster.MetadataKey"/> metadata), else on any compatible silo.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("dkube.placement.cluster-affine")]
public sealed class ClusterAffinePlacement : PlacementStrategy
{
    public static readonly ClusterAffinePlacement Instance = new();
}
