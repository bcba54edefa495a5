using System.Text.Json;
using DKube.Abstractions.Tenancy;

namespace DKube.Abstractions.Live;

/// <summary>The read-model side of <c>GET /dashboard</c> and <c>GET /storage</c>: figures over what the caller may see, one query each.</summary>
public interface IDashboardReader
{
    /// <summary>Per kind (<c>run</c>, <c>ide</c>), the number of visible resources in each status.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>> CountByStatusAsync(Caller caller, IReadOnlyCollection<string> kinds, CancellationToken cancellationToken);

    /// <summary>The <paramref name="limit"/> visible resources of <paramref name="kinds"/> changed last, newest first.</summary>
    Task<IReadOnlyList<JsonElement>> RecentAsync(Caller caller, IReadOnlyCollection<string> kinds, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Bytes per owner of the dataset, featureset and model versions the caller may see (featuresets
    /// are shared with everyone): each distinct content once per owner, and once per owner and kind.
    /// </summary>
    Task<IReadOnlyList<UserStorage>> StorageByOwnerAsync(Caller caller, CancellationToken cancellationToken);
}
