using System.Collections.Concurrent;
using DKube.Executors.Slurm.Rest;
using Microsoft.Extensions.Logging;

namespace DKube.Executors.Slurm;

/// <summary>
/// Slurm pushes nothing, so one loop per executor polls slurmrestd for every watched job (one
/// <c>GET /jobs</c> per interval, however many jobs) and pushes only changes to the sink. A job
/// that left slurmrestd (MinJobAge) is looked up in the jobcomp log before it is called Lost.
/// </summary>
internal sealed class SlurmJobWatcher : IAsyncDisposable
{
    private readonly SlurmRestClient rest;
    private readonly SlurmOptions options;
    private readonly IExecutionStatusSink sink;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, Watched> watched = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private Task? loop;
    private int started;

    public SlurmJobWatcher(
        SlurmRestClient rest, SlurmOptions options, IExecutionStatusSink sink, TimeProvider time, ILogger logger)
    {
        this.rest = rest;
        this.options = options;
        this.sink = sink;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>Watches <paramref name="id"/>'s job; <paramref name="known"/> is what the caller already knows, so it is not reported again.</summary>
    public void Watch(string id, long jobId, ExecutionStatus? known = null)
    {
        watched.AddOrUpdate(
            id,
            _ => new Watched(jobId, known),
            (_, current) => current.JobId == jobId ? current : new Watched(jobId, known));
        if (Interlocked.Exchange(ref started, 1) == 0)
        {
            loop = Task.Run(() => RunAsync(stopping.Token));
        }
    }

    public long? JobIdOf(string id) => watched.TryGetValue(id, out var w) ? w.JobId : null;

    /// <summary>Whether the job is still watched, i.e. not known to have ended.</summary>
    public bool IsWatching(string id, long jobId) => watched.TryGetValue(id, out var w) && w.JobId == jobId;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (loop is not null)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
                // Expected on shutdown.
            }
        }

        stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // slurmrestd down or slow: keep watching, the next poll catches up (only changes
                // that were reported successfully are remembered, so none is lost).
                logger.LogWarning(e, "Polling slurmrestd for {Count} jobs failed", watched.Count);
            }

            await Task.Delay(options.StatusPollInterval, time, cancellationToken);
        }
    }

    private async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        if (watched.IsEmpty)
        {
            return;
        }

        // The jobs to judge are taken before Slurm is asked: a job submitted after the listing was
        // made would be missing from it, and would wrongly be declared gone.
        var snapshot = watched.ToArray();
        var jobs = (await rest.GetJobsAsync(cancellationToken)).ToDictionary(j => j.JobId);
        var now = time.GetUtcNow();
        var gone = snapshot.Where(w => !jobs.ContainsKey(w.Value.JobId)).Select(w => w.Value.JobId).ToHashSet();
        var completed = gone.Count == 0
            ? new Dictionary<long, SlurmJobCompEntry>()
            : await SlurmJobCompLog.FindByJobIdAsync(options.JobCompLogPath, gone, cancellationToken);

        foreach (var (id, entry) in snapshot)
        {
            var status = jobs.TryGetValue(entry.JobId, out var job)
                ? SlurmStatusMapper.Map(id, job, now)
                : completed.TryGetValue(entry.JobId, out var record)
                    ? SlurmStatusMapper.Map(id, record, now)
                    : new ExecutionStatus(id, ExecutionState.Lost, now, Reason: "Slurm no longer knows the job",
                        BackendId: entry.JobId.ToString(System.Globalization.CultureInfo.InvariantCulture));

            if (!status.SameOutcomeAs(entry.LastReported))
            {
                await sink.ReportAsync(status, cancellationToken);
                entry.LastReported = status;
            }

            if (status.IsFinal)
            {
                watched.TryRemove(new KeyValuePair<string, Watched>(id, entry));
            }
        }
    }

    private sealed class Watched(long jobId, ExecutionStatus? lastReported)
    {
        public long JobId { get; } = jobId;

        // Written only by the polling loop; read elsewhere only for diagnostics.
        public ExecutionStatus? LastReported { get; set; } = lastReported;
    }
}
