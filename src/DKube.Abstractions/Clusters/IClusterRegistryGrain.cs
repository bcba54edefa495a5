using Orleans.Concurrency;
namespace DKube.Abstractions.Clusters;

/// <summary>The names of all registered clusters (one instance, key <see cref="Key"/>).</summary>
[Alias("dkube.IClusterRegistryGrain")]
public interface IClusterRegistryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("Add")]
    Task Add(string name);

    [Alias("List")]
    [ReadOnly]
    Task<IReadOnlyList<string>> List();
}
