using System.Runtime.CompilerServices;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Workloads;
using DKube.Executors;
using DKube.Grains.Execution;
using DKube.Grains.Affinity;
using DKube.Grains.Faults;
using DKube.Grains.Workloads;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace DKube.Grains.Clusters;

/// <summary>
/// Talks to one cluster's backend through this silo's executor for it. It only forwards, so it is
/// reentrant: a slow backend call never holds up another. The cluster's spec (with credentials)
/// is fetched once per activation and kept in memory here only.
/// Starting (staging inputs and code, then submitting), keeping an output and stopping take as
/// long as the data and the backend need, so they are not done inside a call: the call is accepted
/// at once and the step runs on this silo (<see cref="ExecutionSteps"/>, keyed by execution id, so
/// a repeated request joins the step in flight), reporting its progress and outcome to the workload.
/// </summary>
[Reentrant]
[ClusterAffinePlacement]
public sealed class ClusterAgentGrain(
    IExecutorRegistry executors,
    RunDataFlow dataFlow,
    WorkloadApiAccess apiAccess,
    ExecutionSteps steps,
    WorkloadStatusSink reports,
    SiloCluster siloCluster,
    ILocalSiloDetails silo,
    Live.UtilizationReporter utilization,
    TimeProvider time,
    ILogger<ClusterAgentGrain> logger) : Grain, IClusterAgentGrain
{
    /// <summary>
    /// How long a step retries what a silo kill or a database outage breaks before it gives up
    /// and leaves the workload where it is (Starting, Stopping or saving its output) for the next
    /// agent activation or the reconciler to drive again.
    /// </summary>
    private static readonly TimeSpan StepRetryBudget = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longer for an output: a run saving its output is Running, which the reconciler does not
    /// sweep, so the step itself outlasts a long database outage.
    /// </summary>
    private static readonly TimeSpan OutputRetryBudget = TimeSpan.FromMinutes(30);

    private Task<IExecutor>? _executor;
    private IReadOnlySet<string> _sampledGroups = new HashSet<string>();

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
        // Sampling what the executions use is reading the backend (/proc, accounting), not polling grains.
        this.RegisterGrainTimer(SampleAsync, new GrainTimerCreationOptions(utilization.Period, utilization.Period) { Interleave = true });
        return Task.CompletedTask;
    }

    public Task<AgentPlacement> Attach() => Task.FromResult(Placement);

    // The executor is had on the grain's turn: the cluster hands its settings to this grain only,
    // and a step runs on the thread pool, outside any activation.
    public async Task Submit(WorkloadView workload, string executionId)
    {
        var executor = await ExecutorAsync();
        steps.Run(StartKey(executionId), cancellation => StartAsync(executor, workload, executionId, cancellation)).Ignore();
    }

    public async Task KeepOutput(WorkloadView workload, string executionId)
    {
        var executor = await ExecutorAsync();
        steps.Run(OutputKey(executionId), _ => KeepOutputAsync(executor, workload, executionId)).Ignore();
    }

    public async Task Stop(string executionId, TimeSpan grace)
    {
        var executor = await ExecutorAsync();
        steps.Run(StopKey(executionId), _ => StopAsync(executor, executionId, grace)).Ignore();
    }

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

    public async Task<byte[]?> ReadOutputFile(string executionId, string name, int maxBytes)
    {
        if (Path.GetFileName(name) != name || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a file name.", nameof(name));
        }

        var file = new FileInfo(Path.Combine(dataFlow.FoldersOf((await ExecutorAsync()).StagingRoot).Output(executionId), name));
        // The run wrote this folder: a link could point at the server's secrets, which this silo may read.
        if (!file.Exists || file.LinkTarget is not null)
        {
            return null;
        }

        await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[(int)Math.Min(file.Length, (long)maxBytes + 1)];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false);
        return buffer[..read];
    }

    public async Task<KeptArtifact?> KeepArtifact(string executionId, string file, string entry, RepoKind kind, string repoId, Lineage lineage, string key) =>
        await dataFlow.CommitArtifactAsync(executionId, file, entry, kind, repoId, lineage, key, (await ExecutorAsync()).StagingRoot, CancellationToken.None);

    public async Task<IReadOnlyList<ExecutionProbe>> Reconcile(IReadOnlyList<string> executionIds)
    {
        // One still being staged is not lost: the backend does not know it yet, the step does.
        var staging = executionIds.Where(id => steps.IsRunning(StartKey(id))).ToHashSet(StringComparer.Ordinal);
        var asked = executionIds.Where(id => !staging.Contains(id)).ToList();
        var statuses = asked.Count == 0 ? [] : await (await ExecutorAsync()).ReconcileAsync(asked, CancellationToken.None);
        return statuses.Select(s => new ExecutionProbe(s.Id, WorkloadStatusSink.Map(s), s.State == ExecutionState.Lost, s.IsFinal, s.At, s.ExitCode, s.Reason, s.Endpoint))
            .Concat(staging.Select(id => new ExecutionProbe(id, WorkloadStatus.Starting, false, false, time.GetUtcNow(), null, null)))
            .ToList();
    }

    private static string StartKey(string executionId) => $"start:{executionId}";

    private static string OutputKey(string executionId) => $"output:{executionId}";

    private static string StopKey(string executionId) => $"stop:{executionId}";

    /// <summary>
    /// Stages the execution's inputs and code on this silo, beside the executor that runs it, and
    /// submits it. A failure a later attempt may not meet (a silo or the database away) is retried;
    /// what the backend or the data refuse makes the run Error; cancellation is a stop.
    /// </summary>
    private async Task StartAsync(IExecutor executor, WorkloadView workload, string executionId, CancellationToken cancellationToken)
    {
        try
        {
            await TransientRetry.RunAsync(() => StartOnceAsync(executor, workload, executionId, cancellationToken), StepRetryBudget, logger,
                $"Start of {executionId}", cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Start of {Id} given up: it was stopped", executionId);
        }
        catch (Exception e) when (TransientRetry.IsTransient(e))
        {
            logger.LogWarning(e, "Start of {Id} did not get through; it stays Starting and is driven again", executionId);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Start of {Id} was refused", executionId);
            await ReportAsync(executionId, WorkloadStatus.Error, e is DomainException described ? described.Message : BackendFailure.Describe("start", e));
        }
    }

    private async Task StartOnceAsync(IExecutor executor, WorkloadView workload, string executionId, CancellationToken cancellationToken)
    {
        // An earlier request (through an agent on a silo that died, or one whose answer timed out)
        // may have submitted it already: adopt it, never start it twice.
        var known = (await executor.ReconcileAsync([executionId], cancellationToken)).Single();
        if (known.State != ExecutionState.Lost)
        {
            logger.LogInformation("Execution {Id} is known to the backend already ({State}): adopted", executionId, known.State);
            await reports.ReportAsync(known, CancellationToken.None);
            return;
        }

        // Nothing runs on its folders, so what a step cut short by a silo's death left there goes.
        dataFlow.FoldersOf(executor.StagingRoot).ClearStaged(executionId);
        var stages = workload.Spec.Inputs.Count > 0 || workload.Spec.Code is not null;
        if (stages)
        {
            // Only a step worth showing when there is something to stage: otherwise it was a report,
            // a state write and a live event per run that "submitting" replaced at once.
            Progress(executionId, WorkloadSteps.StagingInputs);
        }

        var prepared = await dataFlow.PrepareAsync(workload, ExecutionSpecFactory.Create(workload, executionId, apiAccess.VariablesFor(workload)), cancellationToken, executor.StagingRoot);
        await dataFlow.RecordUsageAsync(workload, cancellationToken);
        // After staging, or where a submission is a remote call, the step says where the run is; a
        // local start with nothing staged is a spawn that Running follows at once, and the step was
        // one more report, state write and live event per run that nobody saw.
        if (stages || !executor.SubmitsAtOnce)
            Progress(executionId, WorkloadSteps.Submitting);
        cancellationToken.ThrowIfCancellationRequested();
        // Not cancelled half way: a stop waits for this step to end, then stops what it submitted.
        await executor.SubmitAsync(prepared, CancellationToken.None);
    }

    /// <summary>A completed run's output folder (on this silo) becomes one version of its output repository, however often this is asked.</summary>
    private async Task KeepOutputAsync(IExecutor executor, WorkloadView workload, string executionId)
    {
        try
        {
            int? version = null;
            await TransientRetry.RunAsync(async () =>
            {
                var metrics = await executor.ReadMetricsAsync(executionId, CancellationToken.None);
                version = await dataFlow.CommitOutputAsync(workload, executionId, metrics, CancellationToken.None, executor.StagingRoot);
            }, OutputRetryBudget, logger, $"Output of {executionId}");
            await ReportAsync(executionId, WorkloadStatus.Complete, null, version);
        }
        catch (Exception e) when (TransientRetry.IsTransient(e))
        {
            logger.LogWarning(e, "Output of {Id} could not be kept yet; the run stays {Step} and is driven again", executionId, WorkloadSteps.SavingOutput);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Output of {Id} could not be kept", executionId);
            await ReportAsync(executionId, WorkloadStatus.Failed, $"the output could not be saved: {e.Message}");
        }
    }

    /// <summary>
    /// Ends the execution: a start still staging is called off first (and waited for, so nothing is
    /// submitted after the stop), then the backend stops what it has. What the backend does not know
    /// does not run, so it is reported Stopped here (the backend reports the rest when it ends).
    /// </summary>
    private async Task StopAsync(IExecutor executor, string executionId, TimeSpan grace)
    {
        await steps.CancelAsync(StartKey(executionId));
        try
        {
            await TransientRetry.RunAsync(async () =>
            {
                await executor.StopAsync(executionId, grace, CancellationToken.None);
                if ((await executor.ReconcileAsync([executionId], CancellationToken.None)).Single().State == ExecutionState.Lost)
                {
                    await ReportAsync(executionId, WorkloadStatus.Stopped, "stopped before it started");
                }
            }, StepRetryBudget, logger, $"Stop of {executionId}");
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Stop of {Id} did not get through; the workload stays Stopping and is driven again", executionId);
        }
    }

    /// <summary>
    /// Tells the workload which step it is in, without waiting: the step must not stall while the
    /// workload's database is away. A late one is harmless (the workload takes a step only while it is Starting).
    /// </summary>
    private void Progress(string executionId, string step) => ReportAsync(executionId, WorkloadStatus.Starting, step).Ignore();

    private async Task ReportAsync(string executionId, WorkloadStatus status, string? reason, int? outputVersion = null)
    {
        try
        {
            await reports.ReportStepAsync(executionId, status, time.GetUtcNow(), reason, outputVersion, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Retried for minutes already; the workload's recovery asks again.
            logger.LogWarning(e, "Could not tell the workload of {Id} that it is {Status} ({Reason})", executionId, status, reason);
        }
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        IExecutor executor;
        try
        {
            executor = await ExecutorAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug(e, "No executor to sample for cluster {Cluster}", Name);
            return;
        }

        _sampledGroups = await utilization.ReportAsync(Name, executor, _sampledGroups, cancellationToken);
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
