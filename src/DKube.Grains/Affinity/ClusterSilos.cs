using Orleans.Runtime.MembershipService.SiloMetadata;

namespace DKube.Grains.Affinity;

/// <summary>
/// Which active silos run in an execution cluster, from the membership and the metadata each silo
/// publishes (<see cref="SiloCluster.MetadataKey"/>). The placement director and the callers that
/// must not activate a cluster-affine grain where its cluster is absent read the same answer.
/// </summary>
public sealed class ClusterSilos(IClusterMembershipService membership, ISiloMetadataCache metadata)
{
    public string? ClusterOf(SiloAddress silo) =>
        metadata.GetSiloMetadata(silo).Metadata.TryGetValue(SiloCluster.MetadataKey, out var cluster) ? cluster : null;

    /// <summary>Whether an active silo of <paramref name="cluster"/> is known to this silo now.</summary>
    public bool AnyActive(string cluster) =>
        membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && ClusterOf(m.SiloAddress) == cluster);
}
