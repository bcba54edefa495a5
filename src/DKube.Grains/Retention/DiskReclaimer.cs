using DKube.Abstractions.Common;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Workloads;
using DKube.Executors.Local;
using DKube.Grains.Execution;
using DKube.Grains.Workloads;
using DKube.Storage.ReadModel;
using DKube.Storage.Versions;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace DKube.Grains.Retention;

/// <summary>
/// Gives disk back, on each silo (run folders are on the silo's machine or the storage its
/// clusters share with it): the folders of executions whose workload ended longer than the
/// retention ago (or that no workload owns any more), and blobs no version references. A periodic
/// sweep on <see cref="TimeProvider"/>; each pass is also callable directly.
/// </summary>
public sealed class DiskReclaimer(
    ReadModelWriter readModel,
    IGrainFactory grains,
    RunFolders runFolders,
    LocalExecutorOptions local,
    IExecutorRegistry executors,
    BlobCollector blobs,
    RetentionOptions options,
    TimeProvider time,
    ILogger<DiskReclaimer> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly string[] WorkloadKinds = [ResourceKinds.Run, ResourceKinds.Ide];
    private static readonly string[] DataKinds = [RepoKinds.Dataset, RepoKinds.FeatureSet, RepoKinds.Model];
    private const int VersionPage = 500;

    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DiskReclaimer), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.SweepPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await SweepRunFoldersAsync(cancellationToken);
                    await CollectBlobsAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The next pass tries again; nothing is deleted on a pass that could not decide.
                    logger.LogWarning(e, "Disk reclaim pass failed");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Deletes the execution folders whose time is up; returns their paths.</summary>
    public async Task<IReadOnlyList<string>> SweepRunFoldersAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.RunRetention;
        var folders = new[] { local.RootPath, runFolders.Root }.Concat(executors.StagingRoots)
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateDirectories)
            .Select(path => (Path: path, Workload: ExecutionIds.TryParse(Path.GetFileName(path), out var id, out _) && ResourceIds.IsWellFormed(id) ? id : null))
            .Where(f => f.Workload is not null)
            .ToList();
        if (folders.Count == 0)
        {
            return [];
        }

        var known = await readModel.StatusesAsync(WorkloadKinds, folders.Select(f => f.Workload!).Distinct().ToList(), cancellationToken);
        var deleted = new List<string>();
        foreach (var (path, workload) in folders)
        {
            var expired = known.TryGetValue(workload!, out var row)
                ? Enum.TryParse<WorkloadStatus>(row.Status, out var status) && status.IsFinal() && row.UpdatedAt <= cutoff
                // A workload deleted since (or never recorded): its folder goes once it is as old.
                : Directory.GetLastWriteTimeUtc(path) <= cutoff.UtcDateTime;
            if (expired && TryDelete(path))
            {
                deleted.Add(path);
            }
        }

        if (deleted.Count > 0)
        {
            logger.LogInformation("Deleted {Count} run folders past their retention of {Retention}", deleted.Count, options.RunRetention);
        }

        return deleted;
    }

    /// <summary>One mark and sweep of the blob store; returns how many blobs went.</summary>
    public Task<int> CollectBlobsAsync(CancellationToken cancellationToken) =>
        blobs.CollectAsync(VersionDigestsAsync, options.BlobGrace, cancellationToken);

    /// <summary>Every version's digest; any failure fails the mark, so nothing is swept on a partial one.</summary>
    private async Task<IReadOnlyCollection<string>> VersionDigestsAsync(CancellationToken cancellationToken)
    {
        var digests = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, id) in await readModel.ListIdsAsync(DataKinds, cancellationToken))
        {
            var repo = grains.GetGrain<IDataRepoGrain>(id);
            for (var after = 0; ; after += VersionPage)
            {
                var page = await repo.ListVersions(after, VersionPage);
                digests.UnionWith(page.Select(v => v.Digest));
                if (page.Count < VersionPage)
                {
                    break;
                }
            }
        }

        return digests;
    }

    private bool TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not delete run folder {Path}", path);
            return false;
        }
    }
}
