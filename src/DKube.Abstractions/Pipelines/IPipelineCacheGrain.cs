using Orleans.Concurrency;

namespace DKube.Abstractions.Pipelines;

/// <summary>
/// One cache key of one owner in one group (<c>{owner}/{group}/{key}</c>: a cached artifact lives in
/// its owner's run folders, so no one else reuses it): the outputs of the first task that completed
/// with it.
/// </summary>
[Alias("dkube.IPipelineCacheGrain")]
public interface IPipelineCacheGrain : IGrainWithStringKey
{
    [Alias("Get")]
    [ReadOnly]
    Task<PipelineCacheEntry?> Get();

    /// <summary>Keeps <paramref name="entry"/> unless an entry is kept already (the first one stays).</summary>
    [Alias("Put")]
    Task Put(PipelineCacheEntry entry);

    public static string Key(string owner, string group, string cacheKey) => $"{owner}/{group}/{cacheKey}";
}
