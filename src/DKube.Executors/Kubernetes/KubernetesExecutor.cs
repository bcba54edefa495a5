using System.Net;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace DKube.Executors.Kubernetes;

/// <summary>
/// Runs work on a Kubernetes cluster through its API server: a run as a <c>batch/v1</c> Job named
/// after the work id, an IDE or a model server as a Pod plus a ClusterIP Service (a model server is
/// reported at its Service, an IDE at its pod). The name makes submit idempotent
/// (a second create answers 409) and lets a reconcile after a restart find the work again.
/// Status is pushed by the API server through watches; nothing is polled.
/// </summary>
public sealed class KubernetesExecutor : IExecutor, IAsyncDisposable
{
    private readonly KubernetesOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly IKubernetes client;
    private readonly KubernetesWorkTracker tracker;
    private readonly KubernetesLogReader logs;
    private readonly KubernetesStaging staging;

    public KubernetesExecutor(
        KubernetesOptions options,
        IExecutionStatusSink sink,
        TimeProvider timeProvider,
        ILogger<KubernetesExecutor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        this.options = options;
        this.logger = logger;
        time = timeProvider;
        client = KubernetesClientFactory.Create(options);
        tracker = new KubernetesWorkTracker(client, options, sink, timeProvider, logger);
        logs = new KubernetesLogReader(client, options, timeProvider);
        staging = new KubernetesStaging(options);
    }

    public string Kind => "kubernetes";

    public string? StagingRoot => staging.Enabled ? options.StagingPath : null;

    /// <exception cref="ArgumentException">The spec cannot run on Kubernetes (e.g. it has no image).</exception>
    public async Task<string> SubmitAsync(ExecutionSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (KubernetesManifests.RunsAsServer(spec.Kind))
        {
            var pod = KubernetesManifests.ServerPod(spec, options);
            var service = KubernetesManifests.ServerService(spec, options);
            await staging.PrepareAsync(spec, cancellationToken);
            await CreateOnceAsync(spec.Id, "pod", ct => client.CoreV1.CreateNamespacedPodAsync(pod, options.Namespace, cancellationToken: ct), cancellationToken);
            await CreateOnceAsync(spec.Id, "service", ct => client.CoreV1.CreateNamespacedServiceAsync(service, options.Namespace, cancellationToken: ct), cancellationToken);
        }
        else
        {
            var job = KubernetesManifests.Job(spec, options);
            await staging.PrepareAsync(spec, cancellationToken);
            await CreateOnceAsync(spec.Id, "job", ct => client.BatchV1.CreateNamespacedJobAsync(job, options.Namespace, cancellationToken: ct), cancellationToken);
        }

        await tracker.WatchAsync(spec.Id, spec.Kind, known: null, cancellationToken);
        return spec.Id;
    }

    /// <summary>The metrics file is on the staging claim; without one, the silo cannot read it.</summary>
    public Task<IReadOnlyList<string>> ReadMetricsAsync(string id, CancellationToken cancellationToken) =>
        staging.MetricsFile(id) is { } file
            ? WorkFolders.ReadMetricsAsync(file, cancellationToken)
            : Task.FromResult<IReadOnlyList<string>>([]);

    /// <remarks>
    /// Deletes with foreground propagation: the Job disappears only after its pods are gone, so
    /// the Stopped that follows means the GPUs are free. <paramref name="grace"/> applies to an
    /// IDE's pod; a Job's pods are deleted by the garbage collector with
    /// <see cref="KubernetesOptions.TerminationGrace"/>.
    /// </remarks>
    public async Task StopAsync(string id, TimeSpan grace, CancellationToken cancellationToken)
    {
        await tracker.MarkStoppingAsync(id, cancellationToken);
        var graceSeconds = (long)Math.Ceiling(Math.Max(0, grace.TotalSeconds));
        var foreground = new V1DeleteOptions { PropagationPolicy = "Foreground" };
        var deleted = await DeleteAsync(ct => client.BatchV1.DeleteNamespacedJobAsync(id, options.Namespace, foreground, cancellationToken: ct), cancellationToken);
        deleted |= await DeleteAsync(
            ct => client.CoreV1.DeleteNamespacedPodAsync(
                id, options.Namespace, new V1DeleteOptions { PropagationPolicy = "Foreground", GracePeriodSeconds = graceSeconds }, cancellationToken: ct),
            cancellationToken);
        // A Service has no dependents; it goes at once, before the IDE's pod is gone.
        deleted |= await DeleteAsync(ct => client.CoreV1.DeleteNamespacedServiceAsync(id, options.Namespace, cancellationToken: ct), cancellationToken);
        logger.LogInformation("Stop of work {Id}: {Outcome}", id, deleted ? "deleting" : "nothing to delete");
        if (!deleted)
        {
            // Already gone: the watch may never tell (it may have gone before we watched).
            await tracker.MarkGoneAsync(id, cancellationToken);
        }
    }

    public IAsyncEnumerable<string> ReadLogAsync(string id, bool follow, CancellationToken cancellationToken) =>
        logs.ReadAsync(id, follow, ct => tracker.IsActiveAsync(id, ct), cancellationToken);

    public async Task<IReadOnlyList<ExecutionStatus>> ReconcileAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var jobs = KubernetesLabels.ByRunId((await client.BatchV1.ListNamespacedJobAsync(options.Namespace, labelSelector: KubernetesLabels.AnyWork, cancellationToken: cancellationToken)).Items);
        var pods = KubernetesLabels.ByRunId((await client.CoreV1.ListNamespacedPodAsync(options.Namespace, labelSelector: KubernetesLabels.AnyWork, cancellationToken: cancellationToken)).Items);

        var now = time.GetUtcNow();
        var statuses = new List<ExecutionStatus>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            var (status, kind) = jobs[id].SingleOrDefault() is { } job
                ? (KubernetesStatusMapper.ForJob(id, job, pods[id].ToList(), now), WorkloadKind.Run)
                : pods[id].FirstOrDefault(p => p.Metadata?.Name == id) is { } serverPod
                    ? (KubernetesStatusMapper.ForServerPod(id, serverPod, now, options), KubernetesStatusMapper.KindOf(serverPod))
                    : (new ExecutionStatus(id, ExecutionState.Lost, now, Reason: "Kubernetes does not know the work"), WorkloadKind.Run);
            statuses.Add(status);
            if (!status.IsFinal)
            {
                await tracker.WatchAsync(id, kind, status, cancellationToken);
            }
        }

        return statuses;
    }

    public async ValueTask DisposeAsync()
    {
        await tracker.DisposeAsync();
        client.Dispose();
    }

    private async Task CreateOnceAsync<T>(string id, string what, Func<CancellationToken, Task<T>> create, CancellationToken cancellationToken)
    {
        try
        {
            await create(cancellationToken);
            logger.LogInformation("Created {What} {Id} in namespace {Namespace}", what, id, options.Namespace);
        }
        catch (Exception e) when (KubernetesErrors.Is(e, HttpStatusCode.Conflict))
        {
            // Same name, so the same work: an earlier submit got through.
            logger.LogInformation("The {What} of work {Id} already exists", what, id);
        }
    }

    /// <returns>False if there was nothing to delete.</returns>
    internal static async Task<bool> DeleteAsync<T>(Func<CancellationToken, Task<T>> delete, CancellationToken cancellationToken)
    {
        try
        {
            await delete(cancellationToken);
            return true;
        }
        catch (Exception e) when (KubernetesErrors.Is(e, HttpStatusCode.NotFound))
        {
            return false;
        }
    }
}
