namespace DKube.Storage.Versions;

/// <summary>
/// The version store on local disk: <c>blobs/ab/cd/abcd…</c>, files read-only once stored.
/// Staging lives beside it on the same file system so that storing is a rename.
/// </summary>
public sealed class FileBlobStore : IBlobStore
{
    private readonly string _root;

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
        if (File.Exists(target))
        {
            File.Delete(stagedFile);
            return Task.FromResult(false);
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

    private string PathOf(string hash)
    {
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a SHA-256 hex digest.", nameof(hash));
        }

        return Path.Combine(_root, hash[..2], hash[2..4], hash);
    }
}
