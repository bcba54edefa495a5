using DKube.Abstractions.Tenancy;

namespace DKube.Abstractions.Live;

/// <summary>Storage per user over the versions <c>caller</c> may see (a stateless worker on the silos, where the version store is).</summary>
[Alias("dkube.IStorageUsageGrain")]
public interface IStorageUsageGrain : IGrainWithIntegerKey
{
    [Alias("Get")]
    Task<IReadOnlyList<UserStorage>> Get(Caller caller);
}
