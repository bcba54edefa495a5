namespace DKube.Executors;

/// <summary>
/// One backend where work runs. Every operation is idempotent per work id, so a retry after a
/// crash never starts anything twice; status changes are pushed to the sink the executor was
/// built with, never polled by the caller.
/// </summary>
public interface IExecutor
{
    /// <summary>The cluster kind this executor serves: <c>local</c>, <c>kubernetes</c> or <c>slurm</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// Whether <see cref="SubmitAsync"/> starts the work at once (a local spawn, Running reported
    /// within milliseconds) rather than through a remote call that may take a while (a REST
    /// submission, an API server): the agent shows a "submitting" step only where it may last.
    /// </summary>
    bool SubmitsAtOnce => false;

    /// <summary>Starts the work, or does nothing if work with this id already exists. Returns the backend's id for it.</summary>
    Task<string> SubmitAsync(ExecutionSpec spec, CancellationToken cancellationToken);

    /// <summary>Asks the work to end (SIGTERM, cancel, delete), forcing it after <paramref name="grace"/>. Unknown ids are ignored.</summary>
    Task StopAsync(string id, TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>The work's log from the start; with <paramref name="follow"/> it goes on until the work ends or the token is cancelled.</summary>
    IAsyncEnumerable<string> ReadLogAsync(string id, bool follow, CancellationToken cancellationToken);

    /// <summary>
    /// After a restart: the current state of each of <paramref name="ids"/> (adopting what still
    /// runs and watching it again; <see cref="ExecutionState.Lost"/> for what vanished).
    /// </summary>
    Task<IReadOnlyList<ExecutionStatus>> ReconcileAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// The metric records the work wrote (one JSON object per line of its metrics file). Backends
    /// that cannot reach the work's files report none.
    /// </summary>
    Task<IReadOnlyList<string>> ReadMetricsAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>
    /// The folder, as this silo sees it, under which a run's inputs, code and output must be staged
    /// for the backend's work to see them (a Slurm cluster's shared folder, the staging view of a
    /// Kubernetes cluster's volume claim); null: the silo's own run folders, which only work on
    /// this machine sees.
    /// </summary>
    string? StagingRoot => null;

    /// <summary>
    /// What each execution this executor runs uses now (GPUs held, CPU cores, memory, GPU
    /// utilization where known). Backends that cannot measure their work report none.
    /// </summary>
    Task<IReadOnlyList<Usage.ExecutionUsage>> SampleAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Usage.ExecutionUsage>>([]);
}
