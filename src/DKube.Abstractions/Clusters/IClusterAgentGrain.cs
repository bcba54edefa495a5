using DKube.Abstractions.Repos;
using DKube.Abstractions.Workloads;
using Orleans.Concurrency;

namespace DKube.Abstractions.Clusters;

/// <summary>
/// The one grain that talks to a cluster's backend, keyed by cluster name. It is placed on a silo
/// that runs in that cluster (or, when none does, on any silo, and says so), so the cluster's
/// credentials are read and used only there. Every call is forwarded to the backend; none waits
/// for another. Starting, stopping and keeping an output are accepted at once and performed on the
/// agent's silo outside the call (staging a dataset can take minutes, a grain call seconds); their
/// progress and outcome come back to the workload as <see cref="ExecutionReport"/>s.
/// </summary>
[Alias("dkube.IClusterAgentGrain")]
public interface IClusterAgentGrain : IGrainWithStringKey
{
    /// <summary>Where this agent runs; also tells the cluster grain, which shows it in the cluster's view.</summary>
    [Alias("Attach")]
    Task<AgentPlacement> Attach();

    /// <summary>
    /// Starts execution <paramref name="executionId"/> of an admitted workload: stages its inputs and
    /// code, then submits it. Idempotent per execution id: a request while one is in flight joins it,
    /// one for an execution the backend has already adopts it; a refusal is reported as Error.
    /// </summary>
    [Alias("Submit")]
    Task Submit(WorkloadView workload, string executionId);

    /// <summary>
    /// Asks the execution to end, forcing it after <paramref name="grace"/>; a start still staging is
    /// called off. One the backend does not know is reported Stopped (nothing of it runs).
    /// </summary>
    [Alias("Stop")]
    Task Stop(string executionId, TimeSpan grace);

    [Alias("ReadLog")]
    IAsyncEnumerable<string> ReadLog(string executionId, bool follow, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the next version of a completed run's output repository from its output folder, which
    /// lives on this agent's silo, once per execution id however often it is asked; reported as
    /// Complete with the version (or Failed when the output cannot be kept).
    /// </summary>
    [Alias("KeepOutput")]
    Task KeepOutput(WorkloadView workload, string executionId);

    [Alias("ReadMetrics")]
    Task<IReadOnlyList<string>> ReadMetrics(string executionId);

    /// <summary>
    /// The first <paramref name="maxBytes"/> + 1 bytes of file <paramref name="name"/> in an ended
    /// execution's output folder (how a parent reads what its child wrote, e.g. a leaderboard's
    /// metrics.json); null when there is no such regular file (a link is never followed).
    /// </summary>
    [Alias("ReadOutputFile")]
    Task<byte[]?> ReadOutputFile(string executionId, string name, int maxBytes);

    /// <summary>
    /// Makes the next version of <paramref name="version"/>'s repository from output <paramref name="file"/>
    /// (a file or a folder) of an ended execution, which lives on this agent's silo, once per
    /// <paramref name="key"/>; a file becomes a version holding it as <paramref name="entry"/>. Null when
    /// the execution wrote no such file or folder (a link is never followed).
    /// </summary>
    [Alias("KeepArtifact")]
    Task<KeptArtifact?> KeepArtifact(string executionId, string file, string entry, RepoKind kind, string repoId, Lineage lineage, string key);

    /// <summary>The backend's current word on each execution, adopting what still runs (after a restart or a move).</summary>
    [Alias("Reconcile")]
    Task<IReadOnlyList<ExecutionProbe>> Reconcile(IReadOnlyList<string> executionIds);
}
