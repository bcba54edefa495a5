using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace DKube.Executors.Kubernetes;

/// <summary>
/// Follows DKube's Jobs and pods in the namespace through two watches (label <c>dkube.io/run</c>),
/// keeps the latest of each in memory and pushes the status of every watched work to the sink
/// when it changes. Status is derived from the Job and its pods together: the Job says how a run
/// ended, its pods whether it waits (and why) or runs, and the failed pod's exit code.
/// </summary>
internal sealed class KubernetesWorkTracker : IAsyncDisposable
{
    private readonly IKubernetes client;
    private readonly KubernetesOptions options;
    private readonly IExecutionStatusSink sink;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    // Everything below is read and written only while holding the gate: the two watch loops and
    // the executor's calls interleave, and each report must see a consistent picture.
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, V1Job> jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, V1Pod>> pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Watched> watched = new(StringComparer.Ordinal);

    private readonly CancellationTokenSource stopping = new();
    private readonly KubernetesResourceWatch<V1Job, V1JobList> jobWatch;
    private readonly KubernetesResourceWatch<V1Pod, V1PodList> podWatch;
    private bool jobsListed;
    private bool podsListed;
    private Task? loops;
    private int started;

    public KubernetesWorkTracker(
        IKubernetes client, KubernetesOptions options, IExecutionStatusSink sink, TimeProvider time, ILogger logger)
    {
        this.client = client;
        this.options = options;
        this.sink = sink;
        this.time = time;
        this.logger = logger;
        var timeout = (int)Math.Ceiling(options.WatchTimeout.TotalSeconds);
        jobWatch = new(
            "jobs",
            ct => client.BatchV1.ListNamespacedJobAsync(options.Namespace, labelSelector: KubernetesLabels.AnyWork, cancellationToken: ct),
            (version, onError, ct) => client.BatchV1.WatchListNamespacedJobAsync(
                options.Namespace, allowWatchBookmarks: true, labelSelector: KubernetesLabels.AnyWork,
                resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            OnJobListAsync,
            OnJobEventAsync,
            options,
            time,
            logger);
        podWatch = new(
            "pods",
            ct => client.CoreV1.ListNamespacedPodAsync(options.Namespace, labelSelector: KubernetesLabels.AnyWork, cancellationToken: ct),
            (version, onError, ct) => client.CoreV1.WatchListNamespacedPodAsync(
                options.Namespace, allowWatchBookmarks: true, labelSelector: KubernetesLabels.AnyWork,
                resourceVersion: version, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            OnPodListAsync,
            OnPodEventAsync,
            options,
            time,
            logger);
    }

    /// <summary>
    /// Watches <paramref name="id"/>; <paramref name="known"/> is what the caller already knows
    /// (e.g. from a reconcile), so it is not reported again. Reports at once what the watches
    /// already know of it.
    /// </summary>
    public Task WatchAsync(string id, WorkloadKind kind, ExecutionStatus? known, CancellationToken cancellationToken)
    {
        Start();
        return UnderGateAsync(
            () =>
            {
                if (!watched.ContainsKey(id))
                {
                    watched[id] = new Watched(kind) { LastReported = known, Seen = known is not null };
                }

                return EvaluateAsync(id, cancellationToken);
            },
            cancellationToken);
    }

    /// <summary>From now on the work's end is reported as Stopped, once its objects are gone.</summary>
    public Task MarkStoppingAsync(string id, CancellationToken cancellationToken) => UnderGateAsync(
        () =>
        {
            if (watched.TryGetValue(id, out var entry))
            {
                entry.Stopping = true;
            }

            return Task.CompletedTask;
        },
        cancellationToken);

    /// <summary>The API server no longer has the work's objects (a delete answered 404).</summary>
    public Task MarkGoneAsync(string id, CancellationToken cancellationToken) => UnderGateAsync(
        () =>
        {
            if (!watched.TryGetValue(id, out var entry))
            {
                return Task.CompletedTask;
            }

            entry.Gone = true;
            return EvaluateAsync(id, cancellationToken);
        },
        cancellationToken);

    /// <summary>Whether the work is watched and has not ended yet (a followed log waits for such work).</summary>
    public async Task<bool> IsActiveAsync(string id, CancellationToken cancellationToken)
    {
        var active = false;
        await UnderGateAsync(
            () =>
            {
                active = watched.ContainsKey(id);
                return Task.CompletedTask;
            },
            cancellationToken);
        return active;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (loops is not null)
        {
            try
            {
                await loops;
            }
            catch (OperationCanceledException)
            {
                // Expected on shutdown.
            }
        }

        stopping.Dispose();
        gate.Dispose();
    }

    private void Start()
    {
        if (Interlocked.Exchange(ref started, 1) == 0)
        {
            loops = Task.WhenAll(
                Task.Run(() => jobWatch.RunAsync(stopping.Token)),
                Task.Run(() => podWatch.RunAsync(stopping.Token)));
        }
    }

    private Task OnJobListAsync(IReadOnlyList<V1Job> list, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            // A Job is named after its work, so each run id has one.
            var listed = KubernetesLabels.ByRunId(list);
            foreach (var vanished in jobs.Keys.Where(id => !listed.Contains(id)).ToList())
            {
                jobs.Remove(vanished);
                Vanished(vanished, WorkloadKind.Run);
            }

            foreach (var job in listed)
            {
                jobs[job.Key] = job.Single();
                Saw(job.Key, WorkloadKind.Run);
            }

            jobsListed = true;
            await EvaluateAllAsync(cancellationToken);
        }, cancellationToken);

    private Task OnJobEventAsync(WatchEventType type, V1Job job, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            if (KubernetesLabels.RunIdOf(job.Metadata) is not { } id)
            {
                return;
            }

            if (type == WatchEventType.Deleted)
            {
                // A newer Job of the same name may exist already; only the one we hold is gone.
                if (jobs.TryGetValue(id, out var held) && held.Metadata?.Uid != job.Metadata?.Uid)
                {
                    return;
                }

                jobs.Remove(id);
                Vanished(id, WorkloadKind.Run);
            }
            else
            {
                jobs[id] = job;
                Saw(id, WorkloadKind.Run);
            }

            await EvaluateAsync(id, cancellationToken);
        }, cancellationToken);

    private Task OnPodListAsync(IReadOnlyList<V1Pod> list, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            var before = pods.Keys.ToList();
            pods.Clear();
            foreach (var pod in list)
            {
                if (KubernetesLabels.RunIdOf(pod.Metadata) is { } id && pod.Metadata?.Name is { } name)
                {
                    PodsOf(id)[name] = pod;
                    Saw(id, WorkloadKind.Ide);
                }
            }

            foreach (var vanished in before.Where(id => !pods.ContainsKey(id)))
            {
                Vanished(vanished, WorkloadKind.Ide);
            }

            podsListed = true;
            await EvaluateAllAsync(cancellationToken);
        }, cancellationToken);

    private Task OnPodEventAsync(WatchEventType type, V1Pod pod, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            if (KubernetesLabels.RunIdOf(pod.Metadata) is not { } id || pod.Metadata?.Name is not { } name)
            {
                return;
            }

            if (type == WatchEventType.Deleted)
            {
                if (pods.TryGetValue(id, out var of) && of.Remove(name) && of.Count == 0)
                {
                    pods.Remove(id);
                    Vanished(id, WorkloadKind.Ide);
                }
            }
            else
            {
                PodsOf(id)[name] = pod;
                Saw(id, WorkloadKind.Ide);
            }

            await EvaluateAsync(id, cancellationToken);
        }, cancellationToken);

    private Dictionary<string, V1Pod> PodsOf(string id)
    {
        if (!pods.TryGetValue(id, out var of))
        {
            pods[id] = of = new Dictionary<string, V1Pod>(StringComparer.Ordinal);
        }

        return of;
    }

    // The object that stands for the work (a run's Job, a server's pod) exists; kind says which of the two was seen.
    private void Saw(string id, WorkloadKind kind)
    {
        if (watched.TryGetValue(id, out var entry) && KubernetesManifests.RunsAsServer(entry.Kind) == KubernetesManifests.RunsAsServer(kind))
        {
            entry.Seen = true;
        }
    }

    private void Vanished(string id, WorkloadKind kind)
    {
        if (watched.TryGetValue(id, out var entry) && KubernetesManifests.RunsAsServer(entry.Kind) == KubernetesManifests.RunsAsServer(kind) && entry.Seen)
        {
            entry.Gone = true;
        }
    }

    private async Task EvaluateAllAsync(CancellationToken cancellationToken)
    {
        foreach (var id in watched.Keys.ToList())
        {
            await EvaluateAsync(id, cancellationToken);
        }
    }

    private async Task EvaluateAsync(string id, CancellationToken cancellationToken)
    {
        // Until both watches have listed once, a Job without pods may only mean the pods are not
        // listed yet; the second list evaluates everything.
        if (!jobsListed || !podsListed)
        {
            return;
        }

        if (!watched.TryGetValue(id, out var entry) || Status(id, entry) is not { } status)
        {
            return;
        }

        if (status.SameOutcomeAs(entry.LastReported))
        {
            return;
        }

        try
        {
            await sink.ReportAsync(status, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not remembered as reported, so the next event about this work tries again.
            logger.LogWarning(e, "Reporting {State} of work {Id} failed", status.State, id);
            return;
        }

        entry.LastReported = status;
        if (status.IsFinal)
        {
            watched.Remove(id);
            if (KubernetesManifests.RunsAsServer(entry.Kind) && status.State != ExecutionState.Stopped)
            {
                await DeleteServiceAsync(id, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The Service of a server that ended by itself (a replica that crashed) routes to nothing any
    /// more, and nobody stops what has ended: without this it stayed in the namespace for good. The
    /// pod stays, as a finished Job's pods do, so its log can still be read (a deployment reads the
    /// end of it once told of the end).
    /// </summary>
    private async Task DeleteServiceAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await KubernetesExecutor.DeleteAsync(ct => client.CoreV1.DeleteNamespacedServiceAsync(id, options.Namespace, cancellationToken: ct), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Deleting the Service of ended work {Id} failed; it is left in the namespace", id);
        }
    }

    private ExecutionStatus? Status(string id, Watched entry)
    {
        var now = time.GetUtcNow();
        if (entry.Gone)
        {
            return new ExecutionStatus(id, ExecutionState.Stopped, now, Reason: entry.Stopping ? "stopped" : "deleted outside DKube", BackendId: id);
        }

        // Being deleted: its pods may still hold GPUs. Foreground deletion removes the owner
        // last, so the Job's DELETED event is the moment its resources are free.
        if (entry.Stopping)
        {
            return null;
        }

        var podsOfWork = pods.TryGetValue(id, out var of) ? of.Values : (IReadOnlyCollection<V1Pod>)[];
        if (KubernetesManifests.RunsAsServer(entry.Kind))
        {
            return podsOfWork.FirstOrDefault(p => p.Metadata?.Name == id) is { } pod ? KubernetesStatusMapper.ForServerPod(id, pod, now, options) : null;
        }

        if (!jobs.TryGetValue(id, out var job))
        {
            return null;
        }

        var status = KubernetesStatusMapper.ForJob(id, job, podsOfWork, now);
        return AwaitsExitCode(id, entry, status, podsOfWork, now) ? null : status;
    }

    // The Job failed but no pod we hold has failed yet: the pod watch has not caught up (or the
    // pods are gone). Wait for it a bounded time, then report without the code.
    private bool AwaitsExitCode(string id, Watched entry, ExecutionStatus status, IReadOnlyCollection<V1Pod> podsOfWork, DateTimeOffset now)
    {
        if (status is not { State: ExecutionState.Failed, ExitCode: null } || status.Reason == "time limit"
            || podsOfWork.Any(p => p.Status?.Phase == "Failed"))
        {
            return false;
        }

        entry.FailureSeenAt ??= now;
        var remaining = entry.FailureSeenAt.Value + options.ExitCodeWait - now;
        if (remaining <= TimeSpan.Zero)
        {
            return false;
        }

        if (!entry.RecheckScheduled)
        {
            entry.RecheckScheduled = true;
            _ = RecheckAsync(id, remaining, stopping.Token);
        }

        return true;
    }

    private async Task RecheckAsync(string id, TimeSpan after, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(after, time, cancellationToken);
            await UnderGateAsync(() => EvaluateAsync(id, cancellationToken), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
    }

    private async Task UnderGateAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await action();
        }
        finally
        {
            gate.Release();
        }
    }

    private sealed class Watched(WorkloadKind kind)
    {
        public WorkloadKind Kind { get; } = kind;

        public ExecutionStatus? LastReported { get; set; }

        /// <summary>Its object was seen, so its absence now means it was deleted (not "not created yet").</summary>
        public bool Seen { get; set; }

        public bool Gone { get; set; }

        public bool Stopping { get; set; }

        /// <summary>When the Job was first seen failed while its exit code was not known yet.</summary>
        public DateTimeOffset? FailureSeenAt { get; set; }

        public bool RecheckScheduled { get; set; }
    }
}
