namespace DKube.Grains.Clusters;

/// <summary>How often the nodes of Slurm and Kubernetes clusters are read again (DKUBE_NODE_REFRESH_SECONDS).</summary>
public sealed record ClusterRefreshOptions(TimeSpan Period)
{
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromSeconds(60);
}
