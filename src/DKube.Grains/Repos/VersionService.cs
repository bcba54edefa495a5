using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Storage.Versions;

namespace DKube.Grains.Repos;

/// <summary>
/// Moves version content between the outside world (archives, run folders) and the version
/// store; the repository grain only numbers and records versions whose bytes are already stored.
/// </summary>
public sealed class VersionService(IGrainFactory grains, IBlobStore store, RepoSettings settings) : IDataVersions, IVersionArchives
{
    public async Task<VersionView> ImportAsync(RepoKind kind, string repoId, Stream archive, ArchiveFormat format, string creator, CancellationToken cancellationToken)
    {
        var repo = await RequireVersionedAsync(kind, repoId);
        StagedVersion staged;
        await using (var staging = new VersionStaging(store, settings.MaxUploadBytes))
        {
            var body = new LimitedReadStream(archive, settings.MaxUploadBytes);
            if (format == ArchiveFormat.Zip)
            {
                var spool = staging.NewScratchFile();
                await using (var file = new FileStream(spool, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 0 }))
                {
                    await body.CopyToAsync(file, 1024 * 1024, cancellationToken);
                }

                await ArchiveReader.ReadZipAsync(spool, staging, cancellationToken);
            }
            else
            {
                await ArchiveReader.ReadTarAsync(body, staging, cancellationToken);
            }

            staged = await staging.CommitAsync(cancellationToken);
        }

        return await repo.AddVersion(new NewVersion(staged.Digest, staged.Size, staged.FileCount, creator, null, Contents: staged.Contents));
    }

    public async Task ExportAsync(RepoKind kind, string repoId, int version, Stream destination, CancellationToken cancellationToken)
    {
        var found = await RequireVersionAsync(kind, repoId, version);
        var manifest = await VersionManifest.LoadAsync(store, found.Digest, cancellationToken);
        await ArchiveWriter.WriteTarAsync(manifest, store, destination, cancellationToken);
    }

    public async Task<int?> MaterializeAsync(RepoKind kind, string repoId, int? version, string targetFolder, CancellationToken cancellationToken = default)
    {
        var view = await RequireRepoAsync(kind, repoId);
        if (!view.Versioned)
        {
            // A non-versioned repository is only a pointer: link its folder instead of copying it.
            if (view.Location is not { } location || !Path.IsPathRooted(location) || !Directory.Exists(location))
            {
                throw DomainException.Unprocessable("not-materializable", $"Repository '{repoId}' points at '{view.Location}', which is not a folder of this server.");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(targetFolder))!);
            Directory.CreateSymbolicLink(targetFolder, location);
            return null;
        }

        var number = version ?? view.LatestVersion;
        var found = await RequireVersionAsync(kind, repoId, number);
        var manifest = await VersionManifest.LoadAsync(store, found.Digest, cancellationToken);
        await Materializer.WriteAsync(manifest, store, targetFolder, cancellationToken);
        return number;
    }

    public Task<VersionView> CommitOutputAsync(RepoKind kind, string repoId, string sourceFolder, Lineage lineage, string? key = null, CancellationToken cancellationToken = default) =>
        CommitAsync(kind, repoId, staging => FolderReader.ReadAsync(sourceFolder, staging, cancellationToken), lineage, key, cancellationToken);

    public Task<VersionView> CommitFileAsync(RepoKind kind, string repoId, string sourceFile, string name, Lineage lineage, string key, CancellationToken cancellationToken = default) =>
        CommitAsync(kind, repoId, staging => FolderReader.ReadFileAsync(sourceFile, name, staging, cancellationToken), lineage, key, cancellationToken);

    private async Task<VersionView> CommitAsync(RepoKind kind, string repoId, Func<VersionStaging, Task> read, Lineage lineage, string? key, CancellationToken cancellationToken)
    {
        var repo = await RequireVersionedAsync(kind, repoId);
        // The blobs are content-addressed, so reading the folder again on a retry stores nothing
        // twice; the repository answers the version the key made first.
        StagedVersion staged;
        await using (var staging = new VersionStaging(store, long.MaxValue))
        {
            await read(staging);
            staged = await staging.CommitAsync(cancellationToken);
        }

        // The inputs' usage was recorded when the run started (RunDataFlow.RecordUsageAsync).
        return await repo.AddVersion(new NewVersion(staged.Digest, staged.Size, staged.FileCount, lineage.Creator, lineage, key, staged.Contents));
    }

    public async Task RecordUsageAsync(RepoKind kind, string repoId, int version, string runId, CancellationToken cancellationToken = default)
    {
        await RequireRepoAsync(kind, repoId);
        await grains.GetGrain<IDataRepoGrain>(repoId).RecordUsage(version, runId);
    }

    private async Task<DataRepoView> RequireRepoAsync(RepoKind kind, string repoId)
    {
        var view = await grains.GetGrain<IDataRepoGrain>(repoId).Get();
        return view is not null && view.Kind == kind ? view : throw DomainException.NotFound(kind.ToString(), repoId);
    }

    private async Task<IDataRepoGrain> RequireVersionedAsync(RepoKind kind, string repoId)
    {
        var view = await RequireRepoAsync(kind, repoId);
        return view.Versioned
            ? grains.GetGrain<IDataRepoGrain>(repoId)
            : throw DomainException.Unprocessable("not-versioned", $"Repository '{repoId}' points at an external location and keeps no versions.");
    }

    private async Task<VersionView> RequireVersionAsync(RepoKind kind, string repoId, int version)
    {
        await RequireRepoAsync(kind, repoId);
        return await grains.GetGrain<IDataRepoGrain>(repoId).GetVersion(version)
            ?? throw DomainException.NotFound($"Version {version} of", repoId);
    }
}
