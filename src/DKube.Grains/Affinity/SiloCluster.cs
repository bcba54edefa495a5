namespace DKube.Grains.Affinity;

/// <summary>
/// The execution cluster this silo runs in (DKUBE_SILO_CLUSTER). Published as silo metadata under
/// <see cref="MetadataKey"/> so every silo's placement director can tell where each silo runs.
/// </summary>
public sealed record SiloCluster(string Name)
{
    public const string MetadataKey = "dkube.cluster";
}
