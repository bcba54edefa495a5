using DKube.Abstractions.Clusters;
using DKube.Executors;

namespace DKube.Grains.Execution;

/// <summary>The executor that serves a registered cluster on this silo.</summary>
public interface IExecutorRegistry
{
    IExecutor For(ClusterSpec cluster);
}
