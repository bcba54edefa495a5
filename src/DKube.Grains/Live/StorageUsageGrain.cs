using DKube.Abstractions.Live;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Tenancy;
using DKube.Storage.ReadModel;
using Orleans.Concurrency;

namespace DKube.Grains.Live;

/// <summary>
/// <c>GET /storage</c>: for every dataset, featureset and model repository the caller may see, the
/// files of each of its versions, each distinct content counted once per owner (and once per owner
/// and kind). Runs where the version store is (a silo), as a stateless worker: its only state is
/// the cache of manifests, which is shared by the silo.
/// </summary>
[StatelessWorker]
public sealed class StorageUsageGrain(ReadModelWriter readModel, VersionContents contents) : Grain, IStorageUsageGrain
{
    private const int VersionPage = 500;
    private static readonly string[] DataKinds = [RepoKinds.Dataset, RepoKinds.FeatureSet, RepoKinds.Model];

    public async Task<IReadOnlyList<UserStorage>> Get(Caller caller)
    {
        // Per owner: every content hash with its size, overall and per kind.
        var owners = new Dictionary<string, (Dictionary<string, long> All, Dictionary<RepoKind, Dictionary<string, long>> ByKind)>(StringComparer.Ordinal);
        foreach (var (_, id) in await readModel.ListIdsAsync(DataKinds))
        {
            var repo = GrainFactory.GetGrain<IDataRepoGrain>(id);
            if (await repo.Get() is not { } view || !view.VisibleTo(caller))
            {
                continue;
            }

            if (!owners.TryGetValue(view.Owner, out var owner))
            {
                owners[view.Owner] = owner = (new Dictionary<string, long>(StringComparer.Ordinal), []);
            }

            if (!owner.ByKind.TryGetValue(view.Kind, out var ofKind))
            {
                owner.ByKind[view.Kind] = ofKind = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            for (var after = 0; ; after += VersionPage)
            {
                var page = await repo.ListVersions(after, VersionPage);
                foreach (var version in page)
                {
                    foreach (var (hash, size) in await contents.FilesOfAsync(version.Digest, CancellationToken.None))
                    {
                        owner.All[hash] = size;
                        ofKind[hash] = size;
                    }
                }

                if (page.Count < VersionPage)
                {
                    break;
                }
            }
        }

        return owners
            .Select(o => new UserStorage(o.Key, o.Value.All.Values.Sum(), BytesOf(o.Value.ByKind, RepoKind.Dataset),
                BytesOf(o.Value.ByKind, RepoKind.FeatureSet), BytesOf(o.Value.ByKind, RepoKind.Model), 0))
            .OrderBy(u => u.User, StringComparer.Ordinal)
            .ToList();
    }

    private static long BytesOf(Dictionary<RepoKind, Dictionary<string, long>> byKind, RepoKind kind) =>
        byKind.TryGetValue(kind, out var files) ? files.Values.Sum() : 0;
}
