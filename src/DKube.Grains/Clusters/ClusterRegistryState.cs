namespace DKube.Grains.Clusters;

[GenerateSerializer]
[Alias("dkube.state.cluster-registry")]
public sealed class ClusterRegistryState
{
    [Id(0)]
    public SortedSet<string> Names { get; set; } = new(StringComparer.Ordinal);
}
