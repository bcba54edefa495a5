namespace DKube.Storage.Versions;

/// <summary>
/// The version store on local disk: <c>blobs/ab/cd/abcd…</c>, files read-only once stored.
/// Staging lives beside it on the same file system so that storing is a rename.
/// </summary>
public sealed class FileBlobStore : IBlobStore
{
    private readonly string _root;

    // Within one process a collection's "old and unreferenced, delete" never interleaves with a
    // put that finds the same content already stored (and so keeps it alive).
    private readonly Lock _reclaiming = new();

    public FileBlobStore(string root, string stagingRoot)
    {
        _root = Path.GetFullPath(root);
        StagingRoot = Path.GetFullPath(stagingRoot);
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(StagingRoot);
    }

    public string StagingRoot { get; }


    public Task<bool> PutAsync(string hash, string stagedFile, CancellationToken cancellationToken)
    {
        var target = PathOf(hash);
        lock (_reclaiming)
        {
            if (File.Exists(target))
            {
                // Fresh again: a collection spares blobs younger than its grace period, so content
                // an upload in progress reuses is not deleted before its version is recorded.
                File.SetLastWriteTimeUtc(target, DateTime.UtcNow);
                File.Delete(stagedFile);
                return Task.FromResult(false);
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(stagedFile, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        }

        try
        {
            File.Move(stagedFile, target, overwrite: false);
            return Task.FromResult(true);
        }
        catch (IOException) when (File.Exists(target))
        {
            // Another upload stored the same content a moment ago: equal bytes, keep theirs.
            File.Delete(stagedFile);
            return Task.FromResult(false);
        }
    }

    public Task<Stream> OpenReadAsync(string hash, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(PathOf(hash), new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = 0,
            Options = FileOptions.SequentialScan,
        }));

    /// <summary>Every blob's hash, as the files under the store's folder name them.</summary>
    public IEnumerable<string> ListHashes() =>
        Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name.Length == 64 && name.All(char.IsAsciiHexDigitLower));

    /// <summary>Deletes a blob stored (or last reused) before <paramref name="cutoff"/>; false when it is younger or gone.</summary>
    public bool DeleteIfOlder(string hash, DateTimeOffset cutoff)
    {
        var path = PathOf(hash);
        lock (_reclaiming)
        {
            if (!File.Exists(path) || File.GetLastWriteTimeUtc(path) >= cutoff.UtcDateTime)
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
    }

    private string PathOf(string hash)
    {
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a SHA-256 hex digest.", nameof(hash));
        }

        return Path.Combine(_root, hash[..2], hash[2..4], hash);
    }
}
