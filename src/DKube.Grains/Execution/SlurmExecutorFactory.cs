using DKube.Abstractions.Clusters;
using DKube.Executors;
using DKube.Executors.Slurm;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Execution;

/// <summary>Builds Slurm executors from a cluster's registered settings (slurmrestd endpoint, user, JWT, ...).</summary>
public sealed class SlurmExecutorFactory(IExecutionStatusSink sink, TimeProvider time, ILoggerFactory loggers) : IRemoteExecutorFactory
{
    /// <summary>Where job output goes when the cluster names no shared folder (right for a one-node Slurm on this machine).</summary>
    public const string DefaultOutputDirectory = "/tmp/dkube-slurm/jobs";

    public ClusterKind Kind => ClusterKind.Slurm;

    public IExecutor Create(ClusterSpec cluster) =>
        new SlurmExecutor(OptionsOf(cluster), sink, time, loggers.CreateLogger<SlurmExecutor>());

    public async Task<IReadOnlyList<NodeInfo>> DiscoverNodesAsync(ClusterSpec cluster, CancellationToken cancellationToken)
    {
        using var info = new SlurmClusterInfo(OptionsOf(cluster));
        var nodes = await info.GetNodesAsync(cancellationToken);
        return nodes.Select(n => new NodeInfo(n.Name, n.Gpus, n.Cpus, (int)(n.MemoryMiB / 1024), n.Partitions)).ToList();
    }

    public static SlurmOptions OptionsOf(ClusterSpec cluster)
    {
        string Setting(string key) => cluster.Settings.TryGetValue(key, out var value) ? value
            : throw new ArgumentException($"Slurm cluster '{cluster.Name}' has no '{key}'.");
        return new SlurmOptions
        {
            BaseUrl = new Uri(Setting("endpoint")),
            UserName = Setting("user"),
            Token = Setting("token"),
            ApiVersion = cluster.Settings.GetValueOrDefault("apiVersion", "v0.0.38"),
            DefaultPartition = cluster.Settings.GetValueOrDefault("partition"),
            OutputDirectory = cluster.Settings.GetValueOrDefault("outputDirectory", DefaultOutputDirectory),
            JobCompLogPath = cluster.Settings.GetValueOrDefault("jobCompLog"),
            SharedPath = cluster.Settings.GetValueOrDefault("sharedPath"),
        };
    }
}
