using DKube.Abstractions.Clusters;
using Orleans.Concurrency;

namespace DKube.Grains.Clusters;

/// <summary>
/// The side of a cluster grain that hands out its registered spec with credentials. It lives in
/// the grains assembly (the API cannot even name it) and the cluster grain answers it only to its
/// own cluster's agent.
/// </summary>
[Alias("dkube.IClusterCredentialsGrain")]
public interface IClusterCredentialsGrain : IGrainWithStringKey
{
    [Alias("GetSpec")]
    [ReadOnly]
    Task<ClusterSpec?> GetSpec();
}
