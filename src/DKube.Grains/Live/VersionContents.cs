using System.Collections.Concurrent;
using DKube.Storage.Versions;

namespace DKube.Grains.Live;

/// <summary>
/// The file contents (hash and size) of a version, read from its manifest in the version store and
/// kept by digest: a digest names its content forever, so the cache never goes stale. Bounded, and
/// emptied when full (a rare re-read is cheaper than tracking use).
/// </summary>
public sealed class VersionContents(IBlobStore blobs)
{
    private const int MaxDigests = 20_000;
    private readonly ConcurrentDictionary<string, IReadOnlyList<(string Hash, long Size)>> _byDigest = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<(string Hash, long Size)>> FilesOfAsync(string digest, CancellationToken cancellationToken)
    {
        if (_byDigest.TryGetValue(digest, out var known))
        {
            return known;
        }

        var manifest = await VersionManifest.LoadAsync(blobs, digest, cancellationToken);
        IReadOnlyList<(string, long)> files = manifest.Entries.Where(e => e.Type == EntryType.File && e.Hash is not null).Select(e => (e.Hash!, e.Size)).ToList();
        if (_byDigest.Count >= MaxDigests)
        {
            _byDigest.Clear();
        }

        _byDigest[digest] = files;
        return files;
    }
}
