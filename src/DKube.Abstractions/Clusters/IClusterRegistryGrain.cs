using Orleans.Concurrency;
namespace DKube.Abstractions.Clusters;

/// <summary>
/// The names of all registered clusters (one instance, key <see cref="Key"/>). It also keeps the
/// reminder that re-reads the nodes of Slurm and Kubernetes clusters periodically.
/// </summary>
[Alias("dkube.IClusterRegistryGrain")]
public interface IClusterRegistryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("Add")]
    Task Add(string name);

    [Alias("List")]
    [ReadOnly]
    Task<IReadOnlyList<string>> List();

    /// <summary>A cluster's nodes changed: the pools that draw on it plan with the new ones.</summary>
    [Alias("NodesChanged")]
    Task NodesChanged(string name);

    /// <summary>Makes sure the durable reminder that re-reads remote clusters' nodes is registered.</summary>
    [Alias("EnsureRefresh")]
    Task EnsureRefresh();
}
