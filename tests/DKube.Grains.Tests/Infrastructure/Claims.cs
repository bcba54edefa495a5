using DKube.Abstractions.Clusters;
using DKube.Abstractions.Pools;
using DKube.Abstractions.Workloads;

namespace DKube.Grains.Tests.Infrastructure;

/// <summary>Terse builders for cluster and pool calls, so each test states only what matters to it.</summary>
internal static class Claims
{
    /// <summary>Registers a local cluster of one node <c>n1</c> with <paramref name="gpus"/> GPUs (more nodes with <paramref name="nodes"/>).</summary>
    public static async Task<IClusterGrain> NewClusterAsync(this IGrainFactory grains, int gpus, int nodes = 1)
    {
        var name = GrainClusterFixture.NewKey("c");
        var cluster = grains.GetGrain<IClusterGrain>(name);
        var list = Enumerable.Range(1, nodes).Select(n => new NodeInfo($"n{n}", gpus, 8, 32, [])).ToList();
        await cluster.Register(new ClusterSpec(name, ClusterKind.Local, list, new Dictionary<string, string>()));
        return cluster;
    }

    public static PoolRequest Request(string id, int gpus, int workers = 0, DistributionMode mode = DistributionMode.Auto, string? cluster = null) =>
        new(id, "run", "ann", gpus, workers, mode, [], false, TimeSpan.FromHours(1), cluster);

    /// <summary>A claim as a workload makes it once its pool granted <paramref name="gpus"/> per worker on <paramref name="cluster"/>.</summary>
    public static ClusterClaim Claim(string cluster, string id, string group, int gpus, int workers = 0) =>
        new(id, group, Request(id, gpus, workers, cluster: cluster),
            new Allocation(cluster, Enumerable.Range(0, workers + 1).Select(_ => new WorkerAssignment("n1", Enumerable.Range(0, gpus).ToList())).ToList()));

    public static string Name(this IClusterGrain cluster) => cluster.GetPrimaryKeyString();
}
