using Microsoft.Extensions.Logging;

namespace DKube.Storage.Versions;

/// <summary>
/// Mark and sweep of the blob store. Mark: the manifests of every version (given by the caller,
/// which knows the repositories) and every file blob they list. Sweep: any other blob stored, or
/// last reused, longer than the grace period before the collection started. Blobs an upload in
/// progress stores or reuses are younger than that (a reuse refreshes the blob's time), so they
/// survive until their version is recorded, and then they are marked.
/// </summary>
public sealed class BlobCollector(FileBlobStore store, TimeProvider time, ILogger<BlobCollector> logger)
{
    /// <summary>How long an unreferenced blob is kept: the longest an upload may take between storing its content and recording its version.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromHours(6);

    /// <param name="versionDigests">Every version's manifest digest; it must be complete (throw rather than answer part), or live blobs go.</param>
    /// <returns>How many blobs were deleted.</returns>
    public async Task<int> CollectAsync(Func<CancellationToken, Task<IReadOnlyCollection<string>>> versionDigests, TimeSpan grace, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - grace;
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var digest in await versionDigests(cancellationToken))
        {
            if (!live.Add(digest))
            {
                continue;
            }

            try
            {
                var manifest = await VersionManifest.LoadAsync(store, digest, cancellationToken);
                live.UnionWith(manifest.Entries.Where(e => e.Hash is not null).Select(e => e.Hash!));
            }
            catch (FileNotFoundException)
            {
                // A version whose manifest is gone cannot be read anyway; its files may still be another's.
                logger.LogWarning("Version manifest {Digest} is missing from the blob store", digest);
            }
        }

        var deleted = 0;
        foreach (var hash in store.ListHashes().ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!live.Contains(hash) && store.DeleteIfOlder(hash, cutoff))
            {
                deleted++;
            }
        }

        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} blobs no version references", deleted);
        }

        return deleted;
    }
}
