using System.Collections.Concurrent;
using DKube.Abstractions.Clusters;
using DKube.Executors;

namespace DKube.Grains.Execution;

/// <summary>
/// The executors of this silo: the one local executor for every local cluster, and one executor
/// per remote cluster, built on first use from that cluster's settings by the factory of its kind.
/// </summary>
public sealed class ExecutorRegistry(IExecutor local, IEnumerable<IRemoteExecutorFactory> factories) : IExecutorRegistry
{
    private readonly ConcurrentDictionary<string, IExecutor> _remote = new(StringComparer.Ordinal);

    public IExecutor For(ClusterSpec cluster)
    {
        if (cluster.Kind == ClusterKind.Local)
        {
            return local;
        }

        return _remote.GetOrAdd(cluster.Name, _ => FactoryFor(cluster).Create(cluster));
    }

    public IReadOnlyList<string> StagingRoots =>
        _remote.Values.Select(e => e.StagingRoot).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    public Task<IReadOnlyList<NodeInfo>> DiscoverNodesAsync(ClusterSpec cluster, CancellationToken cancellationToken) =>
        cluster.Kind == ClusterKind.Local
            ? Task.FromResult(cluster.Nodes)
            : FactoryFor(cluster).DiscoverNodesAsync(cluster, cancellationToken);

    private IRemoteExecutorFactory FactoryFor(ClusterSpec cluster) =>
        factories.FirstOrDefault(f => f.Kind == cluster.Kind)
            ?? throw new InvalidOperationException($"This silo has no executor for {cluster.Kind} clusters.");
}
