using Orleans.Concurrency;
namespace DKube.Abstractions.Workloads;

/// <summary>
/// A run or an IDE, keyed by id: the single writer of its lifecycle. It queues in its group's
/// pool, starts on the cluster it was given, and follows what its executor reports.
/// </summary>
[Alias("dkube.IWorkloadGrain")]
public interface IWorkloadGrain : IGrainWithStringKey
{
    /// <summary>Accepts the workload (persisted before this returns) and submits it to its pool; 422 if it can never fit.</summary>
    [Alias("Create")]
    Task<WorkloadView> Create(WorkloadType type, WorkloadSpec spec, string owner, string? clonedFrom, string? template);

    /// <summary>
    /// <see cref="Create"/> for a run that a parent drives: the parent is told through
    /// <see cref="IWorkloadWatcher"/> when it ends. A retry with the same id, spec and parent is
    /// idempotent, so a parent can derive the id from its own and re-create after a crash.
    /// </summary>
    [Alias("CreateChild")]
    Task<WorkloadView> CreateChild(WorkloadType type, WorkloadSpec spec, string owner, WorkloadParent parent);

    /// <summary>The parent has been told of this end (called by the grain itself once the delivery succeeded).</summary>
    [Alias("WatcherTold")]
    Task WatcherTold(int attempt);

    /// <summary>The parent has been told where this attempt serves, or (<paramref name="endpoint"/> null) that it was admitted (called by the grain itself once the delivery succeeded).</summary>
    [Alias("ServingTold")]
    Task ServingTold(int attempt, string? endpoint);

    [Alias("Get")]
    [ReadOnly]
    Task<WorkloadView?> Get();

    /// <summary>Stops it: withdraws it from the queue, or ends its execution (SIGTERM, then SIGKILL).</summary>
    [Alias("Stop")]
    Task<WorkloadView> Stop();

    /// <summary>Starts a stopped IDE again (a new attempt that queues for GPUs like the first).</summary>
    [Alias("Start")]
    Task<WorkloadView> Start();

    /// <summary>Forgets a workload that has ended; 409 while it is queued or running.</summary>
    [Alias("Delete")]
    Task Delete();

    /// <summary>
    /// The pool granted GPUs (called by the pool, off its turn and again until it succeeds:
    /// idempotent). Not one-way, so the pool learns of a failure and retries.
    /// </summary>
    [Alias("Admitted")]
    Task Admitted(Allocation allocation);

    /// <summary>The executor's report of an execution (stale attempts are ignored).</summary>
    [Alias("Report")]
    Task Report(ExecutionReport report);

    /// <summary>After a restart: re-attach to the execution or conclude it, and re-join the pool queue.</summary>
    [Alias("Recover")]
    Task Recover();

    /// <summary>The log from the start; with <paramref name="follow"/>, until the workload ends.</summary>
    [Alias("ReadLog")]
    IAsyncEnumerable<string> ReadLog(bool follow, CancellationToken cancellationToken = default);

    /// <summary>The metric records the run wrote (one JSON object each).</summary>
    [Alias("ReadMetrics")]
    Task<IReadOnlyList<string>> ReadMetrics();
}
