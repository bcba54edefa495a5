using System.Globalization;
using System.Runtime.CompilerServices;
using DKube.Executors.Slurm.Rest;
using Microsoft.Extensions.Logging;

namespace DKube.Executors.Slurm;

/// <summary>
/// Runs work as Slurm batch jobs through slurmrestd (REST + JWT). A job is named after the work
/// id, which is how a retried submit and a reconcile after a restart find it again. Slurm has no
/// push, so a watcher inside the executor polls and pushes changes to the sink.
/// </summary>
/// <remarks>
/// Logs are read from the job's output file under <see cref="SlurmOptions.OutputDirectory"/>:
/// that folder must be shared between the Slurm nodes and this silo (or be local, as on a
/// one-node cluster). <see cref="StopAsync"/> cancels the job; slurmd then sends SIGTERM and
/// SIGKILL after the cluster's KillWait, which therefore is the grace a job really gets.
/// </remarks>
public sealed class SlurmExecutor : IExecutor, IAsyncDisposable
{
    private readonly SlurmOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly SlurmRestClient rest;
    private readonly SlurmJobWatcher watcher;

    // Look-up then submit must not interleave for one id, or two calls could both submit; calls
    // for different ids go on side by side.
    private readonly KeyedGate submitting = new();

    /// <param name="httpClient">Shared client (e.g. from IHttpClientFactory); when null one is created and disposed with the executor.</param>
    public SlurmExecutor(
        SlurmOptions options,
        IExecutionStatusSink sink,
        TimeProvider timeProvider,
        ILogger<SlurmExecutor> logger,
        HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        this.options = options;
        time = timeProvider;
        this.logger = logger;
        rest = SlurmRestClient.Create(options, httpClient);
        watcher = new SlurmJobWatcher(rest, options, sink, timeProvider, logger);
    }

    public string Kind => "slurm";

    public string? StagingRoot => options.SharedPath;

    /// <exception cref="SlurmRejectedException">Slurm refused the job (e.g. more GPUs than any node has).</exception>
    /// <exception cref="ArgumentException">The spec has a backend option the executor does not accept.</exception>
    public async Task<string> SubmitAsync(ExecutionSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var submission = SlurmJobRequestBuilder.Build(spec, options);
        using (await submitting.EnterAsync(spec.Id, cancellationToken))
        {
            // Submitted through this executor and not known to have ended: no need to ask Slurm.
            if (watcher.JobIdOf(spec.Id) is { } watched)
            {
                return Text(watched);
            }

            var jobs = await rest.GetJobsAsync(cancellationToken);
            if (Newest(jobs, spec.Id, unfinishedOnly: true) is { } existing)
            {
                logger.LogInformation("Work {Id} already is Slurm job {JobId}", spec.Id, existing.JobId);
                watcher.Watch(spec.Id, existing.JobId);
                return Text(existing.JobId);
            }

            if (SlurmJobRequestBuilder.FolderOf(options, spec.Id) is { } folder)
            {
                await folder.PrepareAsync(spec, cancellationToken);
            }

            var jobId = await rest.SubmitAsync(submission, cancellationToken);
            logger.LogInformation("Submitted work {Id} as Slurm job {JobId}", spec.Id, jobId);
            watcher.Watch(spec.Id, jobId);
            return Text(jobId);
        }
    }

    public async Task StopAsync(string id, TimeSpan grace, CancellationToken cancellationToken)
    {
        var jobId = watcher.JobIdOf(id)
            ?? Newest(await rest.GetJobsAsync(cancellationToken), id, unfinishedOnly: true)?.JobId;
        if (jobId is null)
        {
            return;
        }

        // The watcher reports Stopped when Slurm says CANCELLED; nothing to report here.
        var cancelled = await rest.CancelAsync(jobId.Value, cancellationToken);
        logger.LogInformation("Stop of work {Id} (Slurm job {JobId}): {Outcome}", id, jobId, cancelled ? "cancelled" : "already ended");
    }

    public async IAsyncEnumerable<string> ReadLogAsync(
        string id, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var job = watcher.JobIdOf(id) is { } watchedId
            ? await rest.GetJobAsync(watchedId, cancellationToken)
            : Newest(await rest.GetJobsAsync(cancellationToken), id, unfinishedOnly: false);
        var path = job?.StandardOutput is { Length: > 0 } output
            ? Expand(output, job)
            : SlurmJobRequestBuilder.OutputPath(options, id);

        var lastCheck = DateTimeOffset.MinValue;
        var ended = job is null;
        async ValueTask<bool> HasEnded(CancellationToken ct)
        {
            // Jobs this executor watches are known to have ended when the watcher drops them;
            // other jobs are asked about, at most once per status interval.
            if (ended || job is null || watcher.IsWatching(id, job.JobId))
            {
                return ended;
            }

            if (time.GetUtcNow() - lastCheck >= options.StatusPollInterval)
            {
                lastCheck = time.GetUtcNow();
                var now = await rest.GetJobAsync(job.JobId, ct);
                ended = now is null || SlurmStatusMapper.Map(id, now, lastCheck).IsFinal;
            }

            return ended;
        }

        await foreach (var line in FileLogFollower.ReadAsync(path, follow, HasEnded, options.LogPollInterval, time, cancellationToken))
        {
            yield return line;
        }
    }

    /// <summary>The job's metrics file is in its shared folder; without one, the silo cannot read it.</summary>
    public Task<IReadOnlyList<string>> ReadMetricsAsync(string id, CancellationToken cancellationToken) =>
        SlurmJobRequestBuilder.FolderOf(options, id) is { } folder
            ? WorkFolders.ReadMetricsAsync(folder.MetricsFile, cancellationToken)
            : Task.FromResult<IReadOnlyList<string>>([]);

    public async Task<IReadOnlyList<ExecutionStatus>> ReconcileAsync(
        IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var jobs = await rest.GetJobsAsync(cancellationToken);
        var now = time.GetUtcNow();
        var statuses = new Dictionary<string, ExecutionStatus>(StringComparer.Ordinal);
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            var job = Newest(jobs, id, unfinishedOnly: true) ?? Newest(jobs, id, unfinishedOnly: false);
            if (job is null)
            {
                continue;
            }

            var status = SlurmStatusMapper.Map(id, job, now);
            statuses[id] = status;
            if (!status.IsFinal)
            {
                watcher.Watch(id, job.JobId, status);
            }
        }

        // Finished longer than MinJobAge ago: only the jobcomp log still knows them.
        var missing = ids.Where(id => !statuses.ContainsKey(id)).ToHashSet(StringComparer.Ordinal);
        var completed = missing.Count == 0
            ? new Dictionary<string, SlurmJobCompEntry>()
            : await SlurmJobCompLog.FindByNameAsync(options.JobCompLogPath, missing, cancellationToken);
        foreach (var id in missing)
        {
            statuses[id] = completed.TryGetValue(id, out var record)
                ? SlurmStatusMapper.Map(id, record, now)
                : new ExecutionStatus(id, ExecutionState.Lost, now, Reason: "Slurm does not know the job");
        }

        return ids.Distinct(StringComparer.Ordinal).Select(id => statuses[id]).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await watcher.DisposeAsync();
        rest.Dispose();
    }

    /// <summary>The newest job named <paramref name="id"/> (a rejected or finished one may share the name).</summary>
    private SlurmJobDto? Newest(IEnumerable<SlurmJobDto> jobs, string id, bool unfinishedOnly) =>
        jobs.Where(j => j.Name == id && (!unfinishedOnly || !SlurmStatusMapper.Map(id, j, time.GetUtcNow()).IsFinal))
            .MaxBy(j => j.JobId);

    // Output paths given outside DKube may use sbatch's patterns.
    private static string Expand(string path, SlurmJobDto job) =>
        path.Replace("%j", Text(job.JobId), StringComparison.Ordinal)
            .Replace("%x", job.Name ?? "", StringComparison.Ordinal);

    private static string Text(long jobId) => jobId.ToString(CultureInfo.InvariantCulture);
}
