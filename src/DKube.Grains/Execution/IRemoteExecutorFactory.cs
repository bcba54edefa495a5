using DKube.Abstractions.Clusters;
using DKube.Executors;

namespace DKube.Grains.Execution;

/// <summary>Builds the executor of a remote cluster (Slurm, Kubernetes) from its registered settings.</summary>
public interface IRemoteExecutorFactory
{
    ClusterKind Kind { get; }

    IExecutor Create(ClusterSpec cluster);
}
