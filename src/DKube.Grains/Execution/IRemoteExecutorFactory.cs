using DKube.Abstractions.Clusters;
using DKube.Executors;

namespace DKube.Grains.Execution;

/// <summary>Builds the executor of a remote cluster (Slurm, Kubernetes) from its registered settings.</summary>
public interface IRemoteExecutorFactory
{
    ClusterKind Kind { get; }

    IExecutor Create(ClusterSpec cluster);

    /// <summary>The cluster's nodes as its own API reports them (remote clusters are not declared by hand).</summary>
    Task<IReadOnlyList<NodeInfo>> DiscoverNodesAsync(ClusterSpec cluster, CancellationToken cancellationToken);
}
