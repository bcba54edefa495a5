using DKube.Abstractions.Workloads;
using Orleans.Concurrency;

namespace DKube.Abstractions.Clusters;

/// <summary>
/// The one grain that talks to a cluster's backend, keyed by cluster name. It is placed on a silo
/// that runs in that cluster (or, when none does, on any silo, and says so), so the cluster's
/// credentials are read and used only there. Every call is forwarded to the backend; none waits
/// for another.
/// </summary>
[Alias("dkube.IClusterAgentGrain")]
public interface IClusterAgentGrain : IGrainWithStringKey
{
    /// <summary>Where this agent runs; also tells the cluster grain, which shows it in the cluster's view.</summary>
    [Alias("Attach")]
    Task<AgentPlacement> Attach();

    /// <summary>Starts execution <paramref name="executionId"/> of an admitted workload (idempotent per execution id).</summary>
    [Alias("Submit")]
    Task Submit(WorkloadView workload, string executionId);

    /// <summary>Asks the execution to end, forcing it after <paramref name="grace"/>; unknown ids are ignored.</summary>
    [Alias("Stop")]
    Task Stop(string executionId, TimeSpan grace);

    [Alias("ReadLog")]
    IAsyncEnumerable<string> ReadLog(string executionId, bool follow, CancellationToken cancellationToken = default);

    /// <summary>Makes the next version of a completed run's output repository from its output folder, which lives on this agent's silo.</summary>
    [Alias("KeepOutput")]
    Task<int?> KeepOutput(WorkloadView workload, string executionId);

    [Alias("ReadMetrics")]
    Task<IReadOnlyList<string>> ReadMetrics(string executionId);

    /// <summary>The backend's current word on each execution, adopting what still runs (after a restart or a move).</summary>
    [Alias("Reconcile")]
    Task<IReadOnlyList<ExecutionProbe>> Reconcile(IReadOnlyList<string> executionIds);
}
