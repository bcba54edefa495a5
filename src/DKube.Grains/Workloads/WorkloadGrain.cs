using System.Runtime.CompilerServices;
using System.Text.Json;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Live;
using DKube.Abstractions.Pools;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Workloads;
using DKube.Grains.Execution;
using DKube.Grains.Faults;
using DKube.Grains.Telemetry;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Workloads;

/// <summary>
/// A run or an IDE: the single writer of its lifecycle. Every change is persisted (and projected
/// into the read model) before anyone is told. The backend is reached through the agent of the
/// workload's cluster (placed on a silo of that cluster), and those calls run off the grain's
/// turn, so a slow backend never holds up a status read; the agent performs the long steps
/// (staging, submitting, keeping the output, stopping) outside any call and reports their progress
/// and outcome back as a <see cref="Report"/>.
/// A call to the agent that fails because its silo died or the call timed out is no failure of
/// the run: it is retried (the agent's steps are idempotent per execution id) and the run keeps its
/// status and its GPUs until the outcome is known. Only what the backend or the data refused is an Error.
/// </summary>
public sealed class WorkloadGrain(
    [PersistentState("workload")] IPersistentState<WorkloadState> state,
    DKubeMetrics metrics,
    ILiveEvents live,
    TimeProvider time,
    ILogger<WorkloadGrain> logger) : Grain, IWorkloadGrain
{
    /// <summary>How long a stopped process gets between SIGTERM and SIGKILL.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a request to the agent is retried while its silo is away (a dead silo is declared
    /// dead within seconds and the agent comes back on a survivor); after that the workload waits,
    /// unchanged, for the next agent activation or the reconciler to drive it again.
    /// </summary>
    private static readonly TimeSpan AgentRetryBudget = TimeSpan.FromMinutes(2);

    /// <summary>How long the end of a child run is re-sent to its parent while the parent's silo is away.</summary>
    private static readonly TimeSpan WatcherRetryBudget = TimeSpan.FromMinutes(10);

    private static readonly JsonSerializerOptions SpecJson = new(JsonSerializerDefaults.General);

    /// <summary>The write of an intermediate state still in flight (<see cref="SaveBehind"/>); every other write waits for it first.</summary>
    private Task _behind = Task.CompletedTask;

    private string Id => this.GetPrimaryKeyString();

    private WorkloadView View => state.State.View ?? throw DomainException.NotFound("Workload", Id);

    private IGroupPoolGrain Pool => GrainFactory.GetGrain<IGroupPoolGrain>(View.Group);

    private string ExecutionId => ExecutionIds.For(Id, View.Attempt);

    public Task<WorkloadView> Create(WorkloadType type, WorkloadSpec spec, string owner, string? clonedFrom, string? template) =>
        CreateAsync(type, spec, owner, clonedFrom, template, parent: null);

    public Task<WorkloadView> CreateChild(WorkloadType type, WorkloadSpec spec, string owner, WorkloadParent parent) =>
        CreateAsync(type, spec, owner, clonedFrom: null, template: null, parent);

    public async Task WatcherTold(int attempt)
    {
        if (attempt <= state.State.WatcherToldAttempt)
        {
            return;
        }

        // Stored so that an activation after a restart does not tell the parent again (it would
        // absorb it, being idempotent, but every read of an ended run would cost it a call).
        await _behind;
        state.State.WatcherToldAttempt = attempt;
        await state.WriteStateAsync();
    }

    public async Task ServingTold(int attempt, string? endpoint)
    {
        if (attempt < state.State.ServingToldAttempt || (attempt == state.State.ServingToldAttempt && endpoint == state.State.ServingToldEndpoint)
            || state.State.View is not { } view || view.Attempt != attempt || view.Endpoint != endpoint)
        {
            // Older news, or the endpoint moved on since (its own delivery is on its way).
            return;
        }

        await _behind;
        (state.State.ServingToldAttempt, state.State.ServingToldEndpoint) = (attempt, endpoint);
        await state.WriteStateAsync();
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // An end reached before a restart whose delivery to the parent did not complete.
        if (state.State.View is { Parent: not null } view && view.Status.IsFinal() && state.State.WatcherToldAttempt < view.Attempt)
        {
            TellWatcher(view);
        }

        // Likewise where a serving child is reached.
        if (state.State.View is { } running && ServingUntold(running))
        {
            TellServing(running);
        }

        return Task.CompletedTask;
    }

    private async Task<WorkloadView> CreateAsync(WorkloadType type, WorkloadSpec spec, string owner, string? clonedFrom, string? template, WorkloadParent? parent)
    {
        if (state.State.View is { } existing)
        {
            if (existing.Owner != owner || !SameSpec(existing.Spec, spec) || existing.Parent != parent)
            {
                throw DomainException.Conflict("already-exists", $"Workload '{Id}' already exists (its idempotency key was used for another request).");
            }

            // A retry of a submission whose pool call failed: submit it now rather than at the next sweep.
            return existing is { Status: WorkloadStatus.Queued, Allocation: null } ? await SubmitToPoolAsync(forgetIfRejected: false) : existing;
        }

        await SaveAsync(FirstView(Id, type, spec, owner, time.GetUtcNow(), clonedFrom, template, parent));
        return await SubmitToPoolAsync(forgetIfRejected: true);
    }

    /// <summary>
    /// The first state of a workload: Queued, attempt 1. Also what a batch stores for its runs
    /// without activating them (<see cref="RunAcceptanceGrain"/>), so they activate as if created here.
    /// </summary>
    internal static WorkloadView FirstView(
        string id, WorkloadType type, WorkloadSpec spec, string owner, DateTimeOffset createdAt, string? clonedFrom, string? template, WorkloadParent? parent) =>
        new(id, spec.Name, type, spec.Kind, owner, spec.Group, spec.Project, WorkloadStatus.Queued,
            null, null, null, null, createdAt, null, null, spec, clonedFrom, template, 1, Parent: parent);

    public Task<WorkloadView?> Get() => Task.FromResult(state.State.View);

    public async Task<WorkloadView> Stop()
    {
        switch (View.Status)
        {
            case WorkloadStatus.Queued or WorkloadStatus.WaitingForGpus when View.Allocation is null:
                if (state.State.WaitingOnCluster is { } waitingOn)
                {
                    // Withdraw from the cluster's queue (or free what it placed meanwhile).
                    await GrainFactory.GetGrain<IClusterGrain>(waitingOn).Release(Id);
                    state.State.WaitingOnCluster = null;
                }

                await Pool.Release(Id);
                return await SaveAsync(View with { Status = WorkloadStatus.Stopped, QueuePosition = null, EndedAt = time.GetUtcNow(), Reason = "stopped while waiting" });
            case WorkloadStatus.Running when View.Reason == WorkloadSteps.SavingOutput:
                // Its process has ended well; it completes as soon as its output is a version.
                return View;
            case WorkloadStatus.Queued or WorkloadStatus.Starting or WorkloadStatus.Running:
                var view = await SaveAsync(View with { Status = WorkloadStatus.Stopping });
                StopExecution();
                return view;
            default:
                return View;
        }
    }

    public async Task<WorkloadView> Start()
    {
        if (View.Type != WorkloadType.Ide)
        {
            throw DomainException.Conflict("invalid-state", "A run cannot be started again; clone it instead.");
        }

        if (!View.Status.IsFinal())
        {
            return View;
        }

        await SaveAsync(View with
        {
            Status = WorkloadStatus.Queued, Attempt = View.Attempt + 1, Allocation = null, Reason = null, ExitCode = null,
            StartedAt = null, EndedAt = null, Endpoint = null,
        });
        return await SubmitToPoolAsync(forgetIfRejected: false);
    }

    public async Task Delete()
    {
        if (!View.Status.IsFinal())
        {
            throw DomainException.Conflict("invalid-state", $"'{Id}' is {View.Status}; stop it before deleting it.");
        }

        await ForgetAsync();
        DeactivateOnIdle();
    }

    /// <summary>
    /// The pool admitted it (quota), or its cluster placed it from its queue: claim the cluster
    /// (idempotent). Placed: start. Cluster busy: wait (<c>cluster-busy</c>, keeping the pool's
    /// quota) until the cluster places it and calls here again. Error only if no node of the
    /// cluster can ever hold it.
    /// </summary>
    public async Task Admitted(Allocation allocation)
    {
        var cluster = GrainFactory.GetGrain<IClusterGrain>(allocation.Cluster);
        if (state.State.View is not { Status: WorkloadStatus.Queued or WorkloadStatus.WaitingForGpus, Allocation: null } view)
        {
            if (state.State.View is { Allocation: null } ended && ended.Status.IsFinal())
            {
                // Placed by its cluster after it was stopped while waiting (the withdrawal crossed
                // the placement): hand the GPUs back.
                await cluster.Release(Id);
            }

            return;
        }

        var grant = await cluster.Reserve(new ClusterClaim(Id, view.Group, PoolRequestOf(view), allocation));
        switch (grant.Status)
        {
            case ClusterGrantStatus.Placed:
                state.State.WaitingOnCluster = null;
                await SaveAsync(view with
                {
                    Status = WorkloadStatus.Starting, Allocation = grant.Allocation, QueuePosition = null, Reason = null, InputVersions = await PinInputsAsync(),
                });
                Launch();
                break;
            case ClusterGrantStatus.Waiting:
                // A sweep finds most waiting workloads still in place: nothing to store then.
                if (view is not { Status: WorkloadStatus.WaitingForGpus, Reason: PoolQueueEntry.ClusterBusy } || view.QueuePosition != grant.Position)
                {
                    state.State.WaitingOnCluster = allocation.Cluster;
                    await SaveAsync(view with { Status = WorkloadStatus.WaitingForGpus, Reason = PoolQueueEntry.ClusterBusy, QueuePosition = grant.Position });
                }

                break;
            default:
                await Pool.Release(Id);
                await SaveAsync(view with { Status = WorkloadStatus.Error, Reason = $"no node of cluster '{allocation.Cluster}' can hold this request", EndedAt = time.GetUtcNow() });
                break;
        }
    }

    public async Task Report(ExecutionReport report)
    {
        if (state.State.View is not { } view || report.Attempt != view.Attempt)
        {
            return;
        }

        if (view.Status.IsFinal())
        {
            // A repeated report (the first one's release failed and the executor retries):
            // releasing is idempotent, so finish it.
            await ReleaseGpusAsync();
            return;
        }

        if (!report.Status.IsFinal())
        {
            if (report.Status == WorkloadStatus.Running && view.Status is WorkloadStatus.Starting or WorkloadStatus.Running
                && view.Reason != WorkloadSteps.SavingOutput
                && (view.Status != WorkloadStatus.Running || view.Reason is not null || (report.Endpoint is not null && report.Endpoint != view.Endpoint)))
            {
                // The endpoint comes with Running (a pod's address may come a report later); it is
                // kept until the work ends, a report without one does not clear it.
                await SaveAsync(view with
                {
                    Status = WorkloadStatus.Running, StartedAt = view.StartedAt ?? report.At, Reason = null, Endpoint = report.Endpoint ?? view.Endpoint,
                });
            }
            else if (report.Status is WorkloadStatus.Queued or WorkloadStatus.Starting && view.Status == WorkloadStatus.Starting
                     && report.Reason is not null && report.Reason != view.Reason)
            {
                // Admitted here and on its way: a step of the agent (staging-inputs, submitting), or
                // waiting in the backend's own queue (e.g. Slurm PENDING): say which.
                await SaveAsync(view with { Reason = report.Reason });
            }

            return;
        }

        var status = view.Status == WorkloadStatus.Stopping ? WorkloadStatus.Stopped : report.Status;
        var ended = view with { Status = status, ExitCode = report.ExitCode, Reason = report.Reason, EndedAt = report.At, Endpoint = null };
        if (status == WorkloadStatus.Complete && view.Spec.Output is { RepoId: not null })
        {
            if (report.OutputVersion is not { } version)
            {
                // The process ended well; the run is Complete once its output is a version, which
                // may take minutes: it stays Running (holding its GPUs, so a new agent activation
                // drives it again) with the step as its reason until the agent reports the version.
                if (view.Reason != WorkloadSteps.SavingOutput)
                {
                    await SaveAsync(view with { Status = WorkloadStatus.Running, StartedAt = view.StartedAt ?? report.At, Reason = WorkloadSteps.SavingOutput });
                }

                var (saving, executionId) = (View, ExecutionId);
                OffTurn("keep the output of", agent => agent.KeepOutput(saving, executionId),
                    now => now is { Status: WorkloadStatus.Running, Reason: WorkloadSteps.SavingOutput });
                return;
            }

            ended = ended with { OutputVersion = version };
        }

        await SaveAsync(ended);
        await ReleaseGpusAsync();
    }

    public async Task Recover()
    {
        if (state.State.View is not { } view)
        {
            return;
        }

        if (view.Status.IsFinal())
        {
            // Asked because a cluster still books GPUs for it: a release was lost on the way.
            await ReleaseGpusAsync();
            return;
        }

        if (view.Allocation is null)
        {
            await SubmitToPoolAsync(forgetIfRejected: false);
            return;
        }

        var probe = (await Agent.Reconcile([ExecutionId])).FirstOrDefault();
        if (view.Status == WorkloadStatus.Starting && (probe is null || probe.Lost))
        {
            // Admitted but the backend never saw it (the submit was lost with a silo, or is still
            // on its way): submit again; a submit is idempotent per execution id.
            Launch();
        }
        else if (probe is null || probe.Lost)
        {
            await Report(new ExecutionReport(view.Attempt, WorkloadStatus.Failed, time.GetUtcNow(), probe?.ExitCode,
                probe?.Reason ?? "the process ended while the server was down"));
        }
        else if (view.Status == WorkloadStatus.Stopping && !probe.Final)
        {
            StopExecution();
        }
        else
        {
            await Report(new ExecutionReport(view.Attempt, probe.Status, probe.At, probe.ExitCode, probe.Reason, Endpoint: probe.Endpoint));
        }
    }

    public async IAsyncEnumerable<string> ReadLog(bool follow, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (state.State.View is not { Allocation: not null } view)
        {
            yield break;
        }

        var agent = GrainFactory.GetGrain<IClusterAgentGrain>(view.Allocation.Cluster);
        await foreach (var line in agent.ReadLog(ExecutionIds.For(Id, view.Attempt), follow && !view.Status.IsFinal(), cancellationToken))
        {
            yield return line;
        }
    }

    public async Task<IReadOnlyList<string>> ReadMetrics()
    {
        if (state.State.View is not { Allocation: not null } view)
        {
            return [];
        }

        return await GrainFactory.GetGrain<IClusterAgentGrain>(view.Allocation.Cluster).ReadMetrics(ExecutionIds.For(Id, view.Attempt));
    }

    private async Task<WorkloadView> SubmitToPoolAsync(bool forgetIfRejected)
    {
        var decision = await Pool.Submit(PoolRequestOf(View));
        switch (decision.Outcome)
        {
            case PoolOutcome.Admitted:
                try
                {
                    await Admitted(decision.Allocation!);
                }
                catch (Exception e) when (TransientRetry.IsTransient(e))
                {
                    // The pool has booked GPUs for us and we are stored as Queued: failing the call
                    // now would leave them booked for a workload nobody drives. The reconciler's
                    // next sweep recovers it, and the pool answers the same admission again.
                    logger.LogWarning(e, "Taking up the GPUs of {Id} failed; the reconciler will", Id);
                }

                return View;
            case PoolOutcome.Queued:
                // A sweep finds most waiting workloads still in place: nothing to store then.
                return View is { Status: WorkloadStatus.WaitingForGpus } waiting && waiting.QueuePosition == decision.Position
                    ? waiting
                    : SaveBehind(View with { Status = WorkloadStatus.WaitingForGpus, QueuePosition = decision.Position });
            default:
                var error = decision.Refusal();
                if (forgetIfRejected)
                {
                    // Never acknowledged: leave no trace.
                    await ForgetAsync();
                }
                else
                {
                    await SaveAsync(View with { Status = WorkloadStatus.Error, Reason = error.Message, EndedAt = time.GetUtcNow() });
                }

                throw error;
        }
    }

    internal static PoolRequest PoolRequestOf(WorkloadView view) => new(view.Id, view.Spec.Kind, view.Owner, view.Spec.Gpus, view.Spec.Workers,
        view.Spec.Distribution?.Mode ?? DistributionMode.Auto, view.Spec.Affinity, view.Spec.StartWithAvailableGpus, view.Spec.ExpectedDuration, view.Spec.Cluster, view.OwnerOnly);

    private void Launch()
    {
        var (view, executionId) = (View, ExecutionId);
        OffTurn("start", agent => agent.Submit(view, executionId), now => now.Status == WorkloadStatus.Starting);
    }

    private void StopExecution()
    {
        var executionId = ExecutionId;
        OffTurn("stop", agent => agent.Stop(executionId, StopGrace), now => now.Status == WorkloadStatus.Stopping);
    }

    private async Task ReleaseGpusAsync()
    {
        if (View.Allocation is { } allocation)
        {
            await GrainFactory.GetGrain<IClusterGrain>(allocation.Cluster).Release(Id);
        }

        await Pool.Release(Id);
    }

    /// <summary>
    /// Hands a request to the cluster's agent on the thread pool, outside this grain's turn. The
    /// agent only accepts it (the step runs on its silo and reports back), so what can fail here is
    /// reaching it: a dead silo, a rejected message, a timeout. Those are retried against the
    /// agent's next activation (the same reference finds it wherever it is); the workload keeps its
    /// status meanwhile, and if the agent stays away past the budget, the next agent activation or
    /// the reconciler drives it again. A retry is made only while <paramref name="stillWanted"/> holds
    /// for the workload (it may have moved on meanwhile: started, stopped, ended). The call must not
    /// touch the grain: everything it needs is captured before it leaves.
    /// </summary>
    private void OffTurn(string what, Func<IClusterAgentGrain, Task> call, Func<WorkloadView, bool> stillWanted)
    {
        var (self, id, attempt, agent) = (this.AsReference<IWorkloadGrain>(), Id, View.Attempt, Agent);
        _ = Task.Run(async () =>
        {
            var retry = false;
            try
            {
                await TransientRetry.RunAsync(async () =>
                {
                    if (retry && (await self.Get() is not { } now || now.Attempt != attempt || !stillWanted(now)))
                    {
                        return;
                    }

                    retry = true;
                    await call(agent);
                }, AgentRetryBudget, logger, $"Request to {what} {id}");
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Request to {What} {Id} did not reach its cluster's agent; it is driven again later", what, id);
            }
        });
    }

    /// <summary>
    /// Tells the parent that drives this run of its end, off the grain's turn (the parent may be
    /// waiting on this grain: a call from inside the turn could deadlock), retried across silo
    /// deaths; once delivered, the grain notes it so a restart does not repeat it.
    /// </summary>
    private void TellWatcher(WorkloadView ended)
    {
        var (self, watcher) = (this.AsReference<IWorkloadGrain>(), GrainFactory.GetGrain<IWorkloadWatcher>(ended.Parent!.Watcher));
        TellParent(ended, "the end", () => watcher.WorkloadEnded(ended), () => self.WatcherTold(ended.Attempt));
    }

    /// <summary>
    /// Tells a parent that watches serving children (<see cref="IWorkloadServingWatcher"/>) where this
    /// child is reached, the same way as its end: off the turn, retried, noted once delivered.
    /// </summary>
    private void TellServing(WorkloadView serving)
    {
        var (self, watcher) = (this.AsReference<IWorkloadGrain>(), GrainFactory.GetGrain<IWorkloadServingWatcher>(serving.Parent!.Watcher));
        TellParent(serving, serving.Endpoint is null ? "the admission" : "the endpoint", () => watcher.WorkloadServing(serving),
            () => self.ServingTold(serving.Attempt, serving.Endpoint));
    }

    private void TellParent(WorkloadView view, string what, Func<Task> deliver, Func<Task> noteDelivered) =>
        OffTurnNotice.Send(deliver, noteDelivered, WatcherRetryBudget, logger, $"Telling {view.Parent!.Kind} {view.Parent.Id} of {what} of {view.Id}",
            "it is told again when the run is next activated");

    /// <summary>
    /// A child that serves HTTP (kind inference: its parent watches serving children) admitted or
    /// reached at an endpoint its parent has not been told of: its admission (no endpoint yet)
    /// starts a deployment's progress deadline, its endpoint the readiness probe.
    /// </summary>
    private bool ServingUntold(WorkloadView view) =>
        view is { Parent: not null, Spec.Kind: Serving.ReplicaSpecs.Kind, Status: WorkloadStatus.Starting or WorkloadStatus.Running }
        && (state.State.ServingToldAttempt != view.Attempt || state.State.ServingToldEndpoint != view.Endpoint);

    /// <summary>The agent of the cluster this workload was given.</summary>
    private IClusterAgentGrain Agent => GrainFactory.GetGrain<IClusterAgentGrain>(
        View.Allocation?.Cluster ?? throw new InvalidOperationException($"'{Id}' has no cluster yet."));

    /// <summary>The exact version of every input, fixed when the run is admitted (latest when it named none).</summary>
    private async Task<IReadOnlyList<VersionId>> PinInputsAsync()
    {
        var pinned = new List<VersionId>();
        foreach (var input in View.Spec.Inputs.Where(i => i.RepoId is not null))
        {
            var version = input.Version ?? (await GrainFactory.GetGrain<IDataRepoGrain>(input.RepoId!).Get())?.LatestVersion ?? 0;
            if (version > 0)
            {
                pinned.Add(new VersionId(RunDataFlow.RepoKindOf(input.Kind), input.RepoId!, version));
            }
        }

        return pinned;
    }

    private async Task<WorkloadView> SaveAsync(WorkloadView view)
    {
        await _behind;
        var before = state.State.View;
        state.State.View = view;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored, so not told: forget the change, and reload from storage on the next
            // call in case the write did land but its answer was lost. The listing row is part
            // of the same write (WorkloadState projects it), so it is stored exactly when the state is.
            state.State.View = before;
            DeactivateOnIdle();
            throw;
        }

        await StoredAsync(before, view);
        return view;
    }

    /// <summary>
    /// Stores an intermediate state behind the caller's answer: waiting for GPUs (the pool's queue
    /// holds the workload, stored by the pool before it answered) on the way from the stored
    /// acceptance (Queued) to an admission. The answer does not wait for this write, which took a
    /// third commit in a row off every queued submission; the next write of the grain waits for it,
    /// so the order of states (and of what the live feed is told, once each is stored) is kept. If
    /// it fails, storage still says Queued: the grain reloads that on its next activation, and the
    /// reconciler's sweep submits a waiting workload to its pool again (idempotent there).
    /// </summary>
    private WorkloadView SaveBehind(WorkloadView view)
    {
        var before = state.State.View;
        state.State.View = view;
        _behind = WriteBehindAsync(_behind, before, view);
        return view;
    }

    private async Task WriteBehindAsync(Task previous, WorkloadView? before, WorkloadView view)
    {
        await previous;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Storing that {Id} waits for GPUs failed; it is stored as queued, and reloaded so", Id);
            DeactivateOnIdle();
            return;
        }

        await StoredAsync(before, view);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await _behind;

    /// <summary>What follows a stored change: parents and the live feed are told, the metrics count it.</summary>
    private async Task StoredAsync(WorkloadView? before, WorkloadView view)
    {
        if ((before?.Status != view.Status || before.Endpoint != view.Endpoint) && ServingUntold(view))
        {
            TellServing(view);
        }

        if (before?.Status != view.Status)
        {
            if (view.Parent is not null && view.Status.IsFinal())
            {
                TellWatcher(view);
            }

            metrics.Transition(view.Type, view.Status);
            if (view.Status == WorkloadStatus.Starting)
            {
                metrics.Admitted(time.GetUtcNow() - view.CreatedAt);
            }
        }

        // Stored, so told (queued on this silo, sent in order; the turn does not wait for the hub).
        // Seen by whom may see it (WorkloadView.Audience: an evaluation run, its owner only).
        await live.Publish(LiveTopics.Workloads, view.Audience, view);
    }

    /// <summary>Removes the workload from storage and (in the same transaction) from the read model.</summary>
    private async Task ForgetAsync()
    {
        await _behind;
        await state.ClearStateAsync();
    }

    /// <summary>Specs hold lists and maps, which records compare by reference: compare their JSON.</summary>
    private static bool SameSpec(WorkloadSpec a, WorkloadSpec b) =>
        JsonSerializer.Serialize(a, SpecJson) == JsonSerializer.Serialize(b, SpecJson);
}
