using System.Buffers;
using System.Security.Cryptography;
using DKube.Abstractions.Repos;

namespace DKube.Storage.Versions;

/// <summary>
/// Builds one version: files are hashed while they are written to a private staging folder,
/// paths are checked as they arrive, and only <see cref="CommitAsync"/> moves content into the
/// store. Disposing without committing leaves the store untouched.
/// </summary>
public sealed class VersionStaging : IAsyncDisposable
{
    private const int BufferSize = 1024 * 1024;

    private readonly IBlobStore _store;
    private readonly long _maxBytes;
    private readonly string _folder;
    private readonly SortedDictionary<string, ManifestEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _staged = new(StringComparer.Ordinal);
    private long _total;
    private int _files;

    public VersionStaging(IBlobStore store, long maxBytes)
    {
        _store = store;
        _maxBytes = maxBytes;
        _folder = Path.Combine(store.StagingRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    /// <summary>A scratch file in the staging folder (e.g. to spool a zip, which needs seeking).</summary>
    public string NewScratchFile() => Path.Combine(_folder, $"scratch-{Interlocked.Increment(ref _files)}");

    public async Task AddFileAsync(string rawPath, Stream content, bool executable, CancellationToken cancellationToken)
    {
        var path = RequireNamed(rawPath);
        var temp = NewScratchFile();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        try
        {
            await using var file = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 0 });
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                size += read;
                _total += read;
                if (_total > _maxBytes)
                {
                    throw new PayloadTooLargeException(_maxBytes);
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var digest = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (!_staged.TryAdd(digest, temp))
        {
            File.Delete(temp);
        }

        _entries[path] = new ManifestEntry(path, EntryType.File, digest, size, executable, null);
    }

    public void AddDirectory(string rawPath)
    {
        var path = SafePath.Normalize(rawPath);
        if (path.Length > 0)
        {
            _entries[path] = new ManifestEntry(path, EntryType.Directory, null, 0, false, null);
        }
    }

    public void AddSymbolicLink(string rawPath, string target)
    {
        var path = RequireNamed(rawPath);
        SafePath.RequireLinkInside(path, target);
        _entries[path] = new ManifestEntry(path, EntryType.Link, null, 0, false, target);
    }

    /// <summary>A hard link is kept as a second name of a file the archive already holds.</summary>
    public void AddHardLink(string rawPath, string target)
    {
        var path = RequireNamed(rawPath);
        if (!_entries.TryGetValue(SafePath.Normalize(target), out var file) || file.Type != EntryType.File)
        {
            throw SafePath.Unsafe(rawPath, $"is a hard link to '{target}', which is not a file of the archive");
        }

        _entries[path] = file with { Path = path };
    }

    /// <summary>Checks the tree, stores new content and the manifest, and returns the version's digest.</summary>
    public async Task<StagedVersion> CommitAsync(CancellationToken cancellationToken)
    {
        AddMissingParents();
        var manifest = new VersionManifest([.. _entries.Values]);
        foreach (var (hash, file) in _staged)
        {
            await _store.PutAsync(hash, file, cancellationToken);
        }

        var bytes = manifest.ToBytes();
        var digest = VersionManifest.HashOf(bytes);
        var manifestFile = NewScratchFile();
        await File.WriteAllBytesAsync(manifestFile, bytes, cancellationToken);
        await _store.PutAsync(digest, manifestFile, cancellationToken);
        var contents = manifest.Entries
            .Where(e => e.Type == EntryType.File && e.Hash is not null)
            .DistinctBy(e => e.Hash, StringComparer.Ordinal)
            .Select(e => new StoredContent(e.Hash!, e.Size))
            .ToList();
        return new StagedVersion(digest, manifest.Size, manifest.FileCount, contents);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private static string RequireNamed(string rawPath)
    {
        var path = SafePath.Normalize(rawPath);
        return path.Length > 0 ? path : throw SafePath.Unsafe(rawPath, "names the root");
    }

    // Every parent of an entry must be a directory: a path through a file or a link would let
    // a later entry write wherever that link points.
    private void AddMissingParents()
    {
        foreach (var path in _entries.Keys.ToList())
        {
            for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            {
                var parent = path[..slash];
                if (_entries.TryGetValue(parent, out var existing))
                {
                    if (existing.Type != EntryType.Directory)
                    {
                        throw SafePath.Unsafe(path, $"goes through '{parent}', which is not a directory");
                    }
                }
                else
                {
                    _entries[parent] = new ManifestEntry(parent, EntryType.Directory, null, 0, false, null);
                }
            }
        }
    }
}
