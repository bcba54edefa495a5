namespace DKube.Abstractions.Clusters;

public enum ClusterKind
{
    Local,
    Kubernetes,
    Slurm,
}
