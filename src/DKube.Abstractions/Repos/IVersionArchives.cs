namespace DKube.Abstractions.Repos;

/// <summary>Uploads and downloads of whole versions as archives, streamed (never buffered whole in memory).</summary>
public interface IVersionArchives
{
    /// <summary>
    /// Unpacks <paramref name="archive"/> into the version store and makes it the next version.
    /// An unsafe entry is refused (422) and an archive over the limit throws
    /// <see cref="PayloadTooLargeException"/>; in both cases no version and no stored bytes remain.
    /// </summary>
    Task<VersionView> ImportAsync(RepoKind kind, string repoId, Stream archive, ArchiveFormat format, string creator, CancellationToken cancellationToken);

    /// <summary>Writes a version as a tar stream.</summary>
    Task ExportAsync(RepoKind kind, string repoId, int version, Stream destination, CancellationToken cancellationToken);
}
