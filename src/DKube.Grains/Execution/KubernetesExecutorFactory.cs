using DKube.Abstractions.Clusters;
using DKube.Executors;
using DKube.Executors.Kubernetes;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Execution;

/// <summary>
/// Builds Kubernetes executors from a cluster's registered settings (<see cref="KubernetesOptions.FromSettings"/>): a
/// kubeconfig (YAML text) and namespace, or the silo's in-cluster credentials when no kubeconfig is given.
/// </summary>
public sealed class KubernetesExecutorFactory(IExecutionStatusSink sink, TimeProvider time, ILoggerFactory loggers) : IRemoteExecutorFactory
{
    public ClusterKind Kind => ClusterKind.Kubernetes;

    public IExecutor Create(ClusterSpec cluster) =>
        new KubernetesExecutor(OptionsOf(cluster), sink, time, loggers.CreateLogger<KubernetesExecutor>());

    public async Task<IReadOnlyList<NodeInfo>> DiscoverNodesAsync(ClusterSpec cluster, CancellationToken cancellationToken)
    {
        using var info = new KubernetesClusterInfo(OptionsOf(cluster));
        var nodes = await info.GetNodesAsync(cancellationToken);
        return nodes.Where(n => n.Ready)
            .Select(n => new NodeInfo(n.Name, n.Gpus, (int)Math.Floor(n.Cpus), (int)(n.MemoryMiB / 1024),
                n.AffinityLabels()))
            .ToList();
    }

    public static KubernetesOptions OptionsOf(ClusterSpec cluster) => KubernetesOptions.FromSettings(cluster.Settings);
}
