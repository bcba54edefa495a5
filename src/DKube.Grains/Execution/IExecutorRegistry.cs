using DKube.Abstractions.Clusters;
using DKube.Executors;

namespace DKube.Grains.Execution;

/// <summary>The executor that serves a registered cluster on this silo.</summary>
public interface IExecutorRegistry
{
    IExecutor For(ClusterSpec cluster);

    /// <summary>The nodes of a remote cluster, read from its API; a local cluster's are declared, so returned as they are.</summary>
    Task<IReadOnlyList<NodeInfo>> DiscoverNodesAsync(ClusterSpec cluster, CancellationToken cancellationToken);

    /// <summary>Where the remote executors built on this silo stage runs' files (what the retention sweep cleans here).</summary>
    IReadOnlyList<string> StagingRoots => [];
}
