using DKube.Abstractions.Errors;
using System.Runtime.CompilerServices;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Workloads;
using DKube.Executors;
using DKube.Grains.Execution;
using DKube.Grains.Affinity;
using DKube.Grains.Workloads;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace DKube.Grains.Clusters;

/// <summary>
/// Talks to one cluster's backend through this silo's executor for it. It only forwards, so it is
/// reentrant: a slow backend call never holds up another. The cluster's spec (with credentials)
/// is fetched once per activation and kept in memory here only.
/// </summary>
[Reentrant]
[ClusterAffinePlacement]
public sealed class ClusterAgentGrain(
    IExecutorRegistry executors,
    RunDataFlow dataFlow,
    WorkloadApiAccess apiAccess,
    SiloCluster siloCluster,
    ILocalSiloDetails silo,
    ILogger<ClusterAgentGrain> logger) : Grain, IClusterAgentGrain
{
    private Task<IExecutor>? _executor;

    private string Name => this.GetPrimaryKeyString();

    private AgentPlacement Placement => new(silo.SiloAddress.ToString(), siloCluster.Name, siloCluster.Name != Name);

    private IClusterGrain Cluster => GrainFactory.GetGrain<IClusterGrain>(Name);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Placement.Fallback)
        {
            logger.LogWarning("No silo of cluster {Cluster} is up: its agent runs on {Silo} (cluster {SiloCluster})", Name, Placement.Silo, siloCluster.Name);
        }

        // Not awaited: the cluster grain may be the caller that activated us, waiting on Attach.
        Cluster.AgentPlaced(Placement).Ignore();
        return Task.CompletedTask;
    }

    public Task<AgentPlacement> Attach() => Task.FromResult(Placement);

    public async Task Submit(WorkloadView workload, string executionId)
    {
        // Inputs, code and the output folder are staged on this silo, beside the executor that runs the work.
        try
        {
            var executor = await ExecutorAsync();
            var prepared = await dataFlow.PrepareAsync(workload, ExecutionSpecFactory.Create(workload, executionId, apiAccess.VariablesFor(workload)), CancellationToken.None, executor.StagingRoot);
            await dataFlow.RecordUsageAsync(workload, CancellationToken.None);
            await executor.SubmitAsync(prepared, CancellationToken.None);
        }
        catch (Exception e) when (e is not DomainException)
        {
            // Backend exception types do not cross silos: say what happened here, in words.
            throw DomainException.Unprocessable("backend-refused", BackendFailure.Describe("start", e));
        }
    }

    public async Task<int?> KeepOutput(WorkloadView workload, string executionId)
    {
        var executor = await ExecutorAsync();
        var metrics = await executor.ReadMetricsAsync(executionId, CancellationToken.None);
        return await dataFlow.CommitOutputAsync(workload, executionId, metrics, CancellationToken.None, executor.StagingRoot);
    }

    public async Task Stop(string executionId, TimeSpan grace) =>
        await (await ExecutorAsync()).StopAsync(executionId, grace, CancellationToken.None);

    public async IAsyncEnumerable<string> ReadLog(string executionId, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var executor = await ExecutorAsync();
        await foreach (var line in executor.ReadLogAsync(executionId, follow, cancellationToken))
        {
            yield return line;
        }
    }

    public async Task<IReadOnlyList<string>> ReadMetrics(string executionId) =>
        await (await ExecutorAsync()).ReadMetricsAsync(executionId, CancellationToken.None);

    public async Task<IReadOnlyList<ExecutionProbe>> Reconcile(IReadOnlyList<string> executionIds)
    {
        var statuses = await (await ExecutorAsync()).ReconcileAsync(executionIds, CancellationToken.None);
        return statuses.Select(s => new ExecutionProbe(s.Id, WorkloadStatusSink.Map(s), s.State == ExecutionState.Lost, s.IsFinal, s.At, s.ExitCode, s.Reason)).ToList();
    }

    // Reentrant calls share one fetch; a failed one is forgotten so the next call tries again.
    private Task<IExecutor> ExecutorAsync()
    {
        if (_executor is { IsFaulted: true } or { IsCanceled: true })
        {
            _executor = null;
        }

        return _executor ??= LoadExecutorAsync();
    }

    private async Task<IExecutor> LoadExecutorAsync()
    {
        var spec = await GrainFactory.GetGrain<IClusterCredentialsGrain>(Name).GetSpec()
            ?? throw new InvalidOperationException($"Cluster '{Name}' is not registered.");
        return executors.For(spec);
    }
}
