using System.Text.Json;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Serving;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Faults;
using DKube.Abstractions.Workloads;
using DKube.Grains.Persistence;
using DKube.Scheduling.Autoscaling;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Serving;

/// <summary>
/// One inference endpoint: the single writer of its replicas, routes and scale. Replicas are
/// workloads (runs of kind <c>inference</c>) it creates with deterministic ids and learns of by
/// events: where it is reached once it runs (<see cref="WorkloadServing"/>, the endpoint its
/// executor reported) and its end (<see cref="WorkloadEnded"/>): a replica that crashes is replaced.
/// An addressed replica is probed over HTTP (off the grain's turn) until it answers, and only then joins the routes. A
/// model change starts replicas of the new version, switches the routes once they are ready, and
/// drains the old ones (out of the routes first, stopped after <see cref="ServingOptions.DrainDelay"/>),
/// so no request fails. One timer per activation ticks the autoscaler (Knative's KPA) on the
/// concurrency the gateways report; each report is a sample too, on which the panic condition is
/// checked so that a load step scales up within a report interval (scaling down waits for a tick).
/// It never polls the replicas. The same tick enforces the
/// progress deadline (Knative's): a replica not ready <see cref="ServingOptions.ProgressDeadline"/>
/// after its admission by the pool (an event too: GPU queueing does not count) is replaced, a few
/// times in a row at most, then the deployment is in Error with the last one's log.
/// </summary>
public sealed class DeploymentGrain(
    [PersistentState("deployment")] IPersistentState<DeploymentState> state,
    ServingOptions options,
    ReplicaProbe probe,
    IObjectQuotas quotas,
    TimeProvider time,
    ILogger<DeploymentGrain> logger) : Grain, IDeploymentGrain
{
    private static readonly JsonSerializerOptions SpecJson = new(JsonSerializerDefaults.General);

    /// <summary>How long a deleted deployment keeps trying to give its place in the group's quota back.</summary>
    private static readonly TimeSpan QuotaReleaseBudget = TimeSpan.FromSeconds(30);

    /// <summary>How long one notice to a parent is retried while the parent's silo is away.</summary>
    private static readonly TimeSpan ParentNoticeBudget = TimeSpan.FromMinutes(10);

    /// <summary>Changes of the replica counts a deployment remembers for its metrics (a few days of autoscaling at most, a small state).</summary>
    public const int MaxReplicaSamples = 500;

    /// <summary>Lines of a failed replica's log the deployment's reason carries.</summary>
    private const int LogTail = 20;

    private readonly Dictionary<string, (double Concurrency, DateTimeOffset At)> _reports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CancellationTokenSource> _probes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _drainUntil = new(StringComparer.Ordinal);
    private readonly List<TaskCompletionSource> _routeWaiters = [];
    private KpaAutoscaler _autoscaler = null!;
    private ScaleState _scale = new(0, 0, 0, false, 0, null);
    private IGrainTimer? _ticker;

    // Seeded from the clock so a gateway that knew an earlier activation's version sees a change.
    private long _routesVersion;

    private string Id => this.GetPrimaryKeyString();

    private DeploymentView View => state.State.View ?? throw DomainException.NotFound("Deployment", Id);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _autoscaler = new KpaAutoscaler(options.Autoscaler);
        _routesVersion = time.GetUtcNow().UtcTicks;
        if (state.State.View is { } view)
        {
            // After a restart: probe again the replicas that were starting and have an address (those
            // without one are told it by their workload); draining ones are stopped at the first tick.
            foreach (var replica in view.ReplicaList.Where(r => !r.Ready && !r.Draining))
            {
                ProbeNext(replica);
            }

            if (view.Status != DeploymentStatus.Imported)
            {
                EnsureTicking();
            }

            // The net of the parent's notice: a restart that came before it was noted tells it again.
            TellParentIfSettled();
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        foreach (var cancel in _probes.Values)
        {
            cancel.Cancel();
        }

        return Task.CompletedTask;
    }

    public Task<DeploymentView> Create(DeploymentSpec spec, string owner) => CreateAsync(spec, owner, null);

    public Task<DeploymentView> CreateChild(DeploymentSpec spec, string owner, WorkloadParent parent) => CreateAsync(spec, owner, parent);

    private async Task<DeploymentView> CreateAsync(DeploymentSpec spec, string owner, WorkloadParent? parent)
    {
        Validate(spec.MinReplicas, spec.MaxReplicas, spec.MaxConcurrentRequests);
        if (state.State.View is { } existing)
        {
            return SameRequest(existing, spec, owner, null);
        }

        var desired = Math.Max(spec.MinReplicas, 1);
        state.State.ServingVersion = spec.Model.Version;
        await ClaimAndSaveAsync(new DeploymentView(Id, spec.Name, owner, spec.Group, spec.Project, DeploymentStatus.Starting, null,
            DeploymentView.EndpointOf(Id), spec.Model, new ReplicaCounts(desired, 0), spec,
            [new ModelChangeRecord(null, spec.Model.Version, time.GetUtcNow(), null)], [], time.GetUtcNow(), Parent: parent));

        try
        {
            await ReconcileAsync();
        }
        catch (DomainException)
        {
            // The pool refused the first replica (more GPUs than the group has): nothing was acknowledged, leave no trace.
            await StopReplicasAsync(View.ReplicaList);
            await state.SaveAsync(DeactivateOnIdle, clear: true);
            state.State = new DeploymentState();
            await quotas.ReleaseAsync(spec.Group, IObjectQuotas.Deployments, Id);
            throw;
        }

        EnsureTicking();
        return View;
    }

    public async Task<DeploymentView> Import(DeploymentSpec spec, string url, string owner)
    {
        if (state.State.View is { } existing)
        {
            return SameRequest(existing, spec, owner, url);
        }

        // No replicas and no autoscaler: it is served elsewhere; only its predictions come here. It
        // counts against the group's deployments quota like any other (Delete gives the place back).
        // Its endpoint is where it is served: the listing row (projected from this view) shows that, not a /serve path of ours.
        await ClaimAndSaveAsync(new DeploymentView(Id, spec.Name, owner, spec.Group, spec.Project, DeploymentStatus.Imported, null,
            url, spec.Model, new ReplicaCounts(0, 0), spec, [], [], time.GetUtcNow(), url));
        return View;
    }

    /// <summary>A create or import repeated with the same request (its idempotency key) answers what it made; anything else is 409.</summary>
    private DeploymentView SameRequest(DeploymentView existing, DeploymentSpec spec, string owner, string? importedUrl) =>
        existing.Owner == owner && existing.ImportedUrl == importedUrl && JsonSerializer.Serialize(existing.Spec, SpecJson) == JsonSerializer.Serialize(spec, SpecJson)
            ? existing
            : throw DomainException.Conflict("already-exists", $"Deployment '{Id}' already exists (its idempotency key was used for another request).");

    /// <summary>
    /// A place in the group's deployments quota first (422 when full): the group counts by id, so a
    /// retried create claims nothing twice; given back when the deployment is not stored.
    /// </summary>
    private async Task ClaimAndSaveAsync(DeploymentView view)
    {
        await quotas.ClaimAsync(view.Group, IObjectQuotas.Deployments, Id);
        try
        {
            await SaveAsync(view);
        }
        catch
        {
            await quotas.ReleaseAsync(view.Group, IObjectQuotas.Deployments, Id);
            throw;
        }
    }

    public Task<DeploymentView?> Get() => Task.FromResult(state.State.View);

    public Task<IReadOnlyList<ReplicaSample>> GetReplicaHistory() => Task.FromResult<IReadOnlyList<ReplicaSample>>(state.State.ReplicaHistory);

    public async Task<DeploymentView> Update(DeploymentChange change)
    {
        var view = View;
        if (view.Status == DeploymentStatus.Imported)
        {
            throw DomainException.Conflict("invalid-state", "An imported deployment is served elsewhere; it cannot be changed here.");
        }

        var spec = view.Spec with
        {
            MinReplicas = change.MinReplicas ?? view.Spec.MinReplicas,
            MaxReplicas = change.MaxReplicas ?? view.Spec.MaxReplicas,
            MaxConcurrentRequests = change.MaxConcurrentRequests ?? view.Spec.MaxConcurrentRequests,
        };
        Validate(spec.MinReplicas, spec.MaxReplicas, spec.MaxConcurrentRequests);
        var updated = view with { Spec = spec, Replicas = view.Replicas with { Desired = Bounded(view.Replicas.Desired, spec) } };
        if (change.Model is { } model && (model.RepoId != view.Model.RepoId || model.Version != view.Model.Version))
        {
            updated = updated with
            {
                Model = model,
                Spec = spec with { Model = model },
                Status = view.Status is DeploymentStatus.Stopped or DeploymentStatus.Error ? view.Status : DeploymentStatus.Updating,
                Reason = null,
                History = [.. view.History, new ModelChangeRecord(view.Model.Version, model.Version, time.GetUtcNow(), null)],
            };
            if (updated.Status is DeploymentStatus.Stopped or DeploymentStatus.Error)
            {
                // Nothing serves: the next start serves the new version at once.
                state.State.ServingVersion = model.Version;
            }
        }

        await SaveAsync(updated);
        await ReconcileAsync();
        return View;
    }

    public async Task<DeploymentView> Stop()
    {
        if (View.Status is DeploymentStatus.Stopped or DeploymentStatus.Imported)
        {
            return View;
        }

        var replicas = View.ReplicaList;
        await SaveAsync(View with { Status = DeploymentStatus.Stopped, Reason = null, Replicas = new ReplicaCounts(0, 0), ReplicaList = [] });
        state.State.ServingVersion = View.Model.Version;
        RoutesChanged();
        await StopReplicasAsync(replicas);
        return View;
    }

    public async Task<DeploymentView> Start()
    {
        if (View.Status is not (DeploymentStatus.Stopped or DeploymentStatus.Error))
        {
            return View;
        }

        state.State.ServingVersion = View.Model.Version;
        state.State.Stalls = 0;
        await SaveAsync(View with { Status = DeploymentStatus.Starting, Reason = null, Replicas = new ReplicaCounts(Math.Max(View.Spec.MinReplicas, 1), 0) });
        await ReconcileAsync();
        EnsureTicking();
        return View;
    }

    public async Task Delete()
    {
        var (replicas, group) = (View.ReplicaList, View.Group);
        if (View.Parent is not null && state.State.ParentTold is null)
        {
            // Gone before it settled: its parent learns it now (once: nothing is left to tell it again).
            TellParent(View with { Status = DeploymentStatus.Stopped, Reason = "the deployment was deleted" });
        }

        await state.SaveAsync(DeactivateOnIdle, clear: true);
        state.State = new DeploymentState();
        // Forgotten, so its place in the group's quota is free (retried: a second DELETE would be 404 by now).
        await TransientRetry.RunAsync(() => quotas.ReleaseAsync(group, IObjectQuotas.Deployments, Id), QuotaReleaseBudget, logger,
            $"Giving back the quota place of deployment {Id}");
        RoutesChanged();
        await StopReplicasAsync(replicas);
        _ticker?.Dispose();
        DeactivateOnIdle();
    }

    public Task<DeploymentRoutes?> GetRoutes() => Task.FromResult(Routes());

    public async Task<DeploymentRoutes?> WaitRoutes(long knownVersion, TimeSpan wait)
    {
        if (knownVersion != _routesVersion || state.State.View is null)
        {
            return Routes();
        }

        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _routeWaiters.Add(changed);
        await Task.WhenAny(changed.Task, Task.Delay(wait, time));
        _routeWaiters.Remove(changed);
        return Routes();
    }

    public async Task ReportLoad(string gateway, double concurrency)
    {
        var now = time.GetUtcNow();
        _reports[gateway] = (concurrency, now);
        if (concurrency > 0 && state.State.View is { Status: DeploymentStatus.Running or DeploymentStatus.Updating, Replicas.Desired: 0 } idle)
        {
            // A request waits at a deployment scaled to zero: wake it now rather than at the next tick.
            _autoscaler.Record(now, Observed(now));
            await SaveAsync(idle with { Replicas = idle.Replicas with { Desired = Bounded(1, idle.Spec) } });
            await ReconcileAsync();
        }
        else if (state.State.View is { Status: DeploymentStatus.Starting or DeploymentStatus.Running or DeploymentStatus.Updating } view)
        {
            // Every report is a sample, and the panic condition is checked on it: a load step scales
            // up within a report interval (500 ms) of reaching the gateways, not at the next 2 s
            // tick. Scaling down waits for the tick and the stable window.
            await ScaleAsync(now, view, upOnly: true);
        }
    }

    public async Task ReplicaReady(string replicaId)
    {
        if (ReplicaOf(replicaId) is not { Ready: false, Draining: false } replica)
        {
            return;
        }

        _probes.Remove(replicaId);
        if (View.Spec.Transformer is { } transformer && replica.WorkloadId == replicaId)
        {
            // The predictor answers: the transformer in front of it starts now (it needs the predictor's address).
            await StartTransformerAsync(replica, transformer);
            return;
        }

        // A replica that serves: the next stalled one starts a new count.
        state.State.Stalls = 0;
        await SaveAsync(WithReplica(View, replica with { Ready = true }));
        await ReconcileAsync();
    }

    public async Task ReplicaNeverReady(string replicaId, string reason)
    {
        if (ReplicaOf(replicaId) is not { Ready: false } replica)
        {
            return;
        }

        await RuntimeFailedAsync(replica, reason);
    }

    public async Task WorkloadServing(WorkloadView serving)
    {
        if (ReplicaOf(serving.Id) is not { Ready: false, Draining: false } replica)
        {
            // Ready already, draining, forgotten: nothing new.
            return;
        }

        // Admitted (out of the pool's queue, or reached, which says as much): the progress deadline
        // counts from the first of the two deliveries that arrives (they may cross).
        var admitted = replica.AdmittedAt is null ? replica with { AdmittedAt = time.GetUtcNow() } : replica;
        if (serving.Endpoint is not { } url)
        {
            if (admitted != replica)
            {
                await SaveAsync(WithReplica(View, admitted));
            }

            return;
        }

        // With a transformer, the predictor's address is where the transformer reaches it; the
        // transformer's is where the gateway does. Without, the predictor's is both.
        var addressed = View.Spec.Transformer is null || serving.Id == replica.TransformerId
            ? admitted with { Url = url }
            : admitted with { PredictorUrl = url };
        if (addressed == replica)
        {
            // A repeated delivery.
            return;
        }

        CancelProbe(serving.Id);
        await SaveAsync(WithReplica(View, addressed));
        ProbeNext(addressed);
    }

    public async Task WorkloadEnded(WorkloadView ended)
    {
        if (ReplicaOf(ended.Id) is not { } replica)
        {
            // Already forgotten (drained, stopped, or a repeated delivery): nothing to do.
            return;
        }

        CancelProbes(replica);
        if (replica.Draining)
        {
            await SaveAsync(WithoutReplica(View, replica.WorkloadId));
            // Its other half (a transformer or its predictor) goes with it.
            await StopReplicasAsync([replica]);
        }
        else if (!replica.Ready)
        {
            await RuntimeFailedAsync(replica, $"replica {ended.Id} ended ({ended.Status}{(ended.ExitCode is { } code ? $", exit code {code}" : "")}) before it was ready");
        }
        else
        {
            logger.LogWarning("Replica {Replica} of {Deployment} ended ({Status}); replacing it", ended.Id, Id, ended.Status);
            await SaveAsync(WithoutReplica(View, replica.WorkloadId) with { Reason = $"replica {ended.Id} ended ({ended.Status}); replaced" });
            RoutesChanged();
            await StopReplicasAsync([replica]);
            await ReconcileAsync();
        }
    }

    public Task<ScaleState> GetScaleState() => Task.FromResult(_scale);

    /// <summary>
    /// Brings the replicas to what the view asks for: as many ready-or-starting replicas of the
    /// target model version as desired; once enough of them are ready, the routes switch to that
    /// version and the others drain. Stored before anyone is told; idempotent.
    /// </summary>
    private async Task ReconcileAsync()
    {
        if (state.State.View is not { Status: DeploymentStatus.Starting or DeploymentStatus.Running or DeploymentStatus.Updating } view)
        {
            return;
        }

        var target = view.Model.Version;
        var desired = view.Replicas.Desired;
        var current = view.ReplicaList.Where(r => !r.Draining && r.ModelVersion == target).ToList();
        for (var i = current.Count; i < desired; i++)
        {
            await StartReplicaAsync();
        }

        view = View;
        current = view.ReplicaList.Where(r => !r.Draining && r.ModelVersion == target).ToList();
        if (current.Count > desired)
        {
            // Scale down: the ones not yet ready go first, then the newest.
            var extra = current.OrderBy(r => r.Ready).ThenByDescending(r => r.CreatedAt).Take(current.Count - desired).Select(r => r.WorkloadId).ToHashSet();
            view = Drain(view, r => extra.Contains(r.WorkloadId));
        }

        var readyOfTarget = view.ReplicaList.Count(r => r.Ready && !r.Draining && r.ModelVersion == target);
        if (state.State.ServingVersion != target && readyOfTarget >= Math.Min(Math.Max(desired, 1), Math.Max(current.Count, 1)))
        {
            // The new version is ready: it gets the traffic, the old one drains.
            state.State.ServingVersion = target;
            var history = view.History.ToList();
            history[^1] = history[^1] with { ServingSince = time.GetUtcNow() };
            view = view with { History = history };
        }

        if (state.State.ServingVersion == target)
        {
            view = Drain(view, r => r.ModelVersion != target);
        }

        var ready = view.ReplicaList.Count(r => r.Ready && !r.Draining && r.ModelVersion == state.State.ServingVersion);
        var status = state.State.ServingVersion != target ? DeploymentStatus.Updating
            : ready > 0 || desired == 0 || view.Status == DeploymentStatus.Running ? DeploymentStatus.Running
            : DeploymentStatus.Starting;
        view = view with { Status = status, Replicas = view.Replicas with { Ready = ready } };
        if (!view.Equals(state.State.View) || JsonSerializer.Serialize(view, SpecJson) != JsonSerializer.Serialize(state.State.View, SpecJson))
        {
            await SaveAsync(view);
        }

        RoutesChanged();
    }

    /// <summary>Takes replicas out of the routes; they are stopped once the drain delay has passed (at a tick).</summary>
    private DeploymentView Drain(DeploymentView view, Func<ReplicaView, bool> which)
    {
        var until = time.GetUtcNow() + options.DrainDelay;
        var list = view.ReplicaList.Select(r =>
        {
            if (r.Draining || !which(r))
            {
                return r;
            }

            CancelProbes(r);
            _drainUntil[r.WorkloadId] = r.Ready ? until : time.GetUtcNow();
            return r with { Draining = true };
        }).ToList();
        return view with { ReplicaList = list };
    }

    private async Task StartReplicaAsync()
    {
        var number = state.State.NextReplica;
        var replicaId = $"{Id}-r{number}";
        var view = View;
        // No address yet: its executor reports one once it runs (WorkloadServing), and the probe starts then.
        var replica = new ReplicaView(replicaId, view.Model.Version, null, false, false, time.GetUtcNow());
        state.State.NextReplica = number + 1;
        // Stored before the workload exists: after a crash the replica is known (and found ended or running), never orphaned.
        await SaveAsync(view with { ReplicaList = [.. view.ReplicaList, replica] });
        var spec = ReplicaSpecs.For(Id, $"{view.Name}-r{number}", view.Spec, view.Model.Version, options);
        try
        {
            await ReplicaWorkloads.CreateAsync(GrainFactory, replicaId, spec, view.Owner, Id, this.GetGrainId());
        }
        catch
        {
            await SaveAsync(WithoutReplica(View, replicaId));
            throw;
        }
    }

    /// <summary>
    /// Probes what the replica waits for: its predictor until it answers (then, with a transformer,
    /// the transformer is made), else the transformer; nothing while the one to probe has no address yet.
    /// </summary>
    private void ProbeNext(ReplicaView replica)
    {
        var prefix = View.Spec.Serving.Prefix;
        if (View.Spec.Transformer is null)
        {
            StartProbe(replica, replica.WorkloadId, replica.Url, ReplicaSpecs.ProbePath(View.Spec.Serving));
        }
        else if (replica.TransformerId is null)
        {
            StartProbe(replica, replica.WorkloadId, replica.PredictorUrl, ReplicaSpecs.ProbePath(View.Spec.Serving));
        }
        else
        {
            // Any answer of the transformer's at the prefix (a 404 included) says it listens.
            StartProbe(replica, replica.TransformerId, replica.Url, $"{prefix}/");
        }
    }

    /// <summary>
    /// Probes one workload of the replica over HTTP until it answers or the ready timeout passes
    /// (counted from now: the address is known; the time before is the progress deadline's); runs off the grain's turn.
    /// </summary>
    private void StartProbe(ReplicaView replica, string id, string? url, string path)
    {
        if (url is null || _probes.ContainsKey(id))
        {
            return;
        }

        var cancel = new CancellationTokenSource();
        _probes[id] = cancel;
        var (self, probeUrl, deadline) = (this.AsReference<IDeploymentGrain>(), url + path, time.GetUtcNow() + options.ReadyTimeout);
        _ = Task.Run(async () =>
        {
            try
            {
                while (!cancel.IsCancellationRequested)
                {
                    if (await probe.IsReadyAsync(probeUrl, cancel.Token))
                    {
                        await self.ReplicaReady(id);
                        return;
                    }

                    if (time.GetUtcNow() >= deadline)
                    {
                        await self.ReplicaNeverReady(id, $"replica {id} did not answer {probeUrl} within {options.ReadyTimeout.TotalSeconds:0} s");
                        return;
                    }

                    await Task.Delay(options.ProbeInterval, time, cancel.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Probe of replica {Replica} failed; it is probed again when the deployment reactivates", id);
            }
        });
    }

    private void CancelProbes(ReplicaView replica)
    {
        CancelProbe(replica.WorkloadId);
        if (replica.TransformerId is { } transformer)
        {
            CancelProbe(transformer);
        }
    }

    private void CancelProbe(string replicaId)
    {
        if (_probes.Remove(replicaId, out var cancel))
        {
            cancel.Cancel();
        }
    }

    /// <summary>
    /// A replica's runtime never became ready: the deployment is in Error with the replica's log
    /// when nothing serves; during a model change the old version keeps serving and the change is undone.
    /// </summary>
    private async Task RuntimeFailedAsync(ReplicaView replica, string reason)
    {
        CancelProbes(replica);
        // The log of the half that failed: the transformer's once it exists (its predictor was ready).
        var log = await LogTailAsync(replica.TransformerId ?? replica.WorkloadId);
        var detail = log.Length == 0 ? reason : $"{reason}; its log ends:\n{log}";
        var view = WithoutReplica(View, replica.WorkloadId);
        await StopReplicasAsync([replica]);
        if (view.ReplicaList.Any(r => r.Ready && !r.Draining && r.ModelVersion == state.State.ServingVersion) && state.State.ServingVersion != view.Model.Version)
        {
            var serving = view.History.Count >= 2 ? view.Model with { Version = state.State.ServingVersion } : view.Model;
            var rolledBack = Drain(view with { Model = serving, Spec = view.Spec with { Model = serving }, Status = DeploymentStatus.Running, Reason = $"model change undone: {detail}" },
                r => r.ModelVersion != state.State.ServingVersion);
            await SaveAsync(rolledBack);
            await ReconcileAsync();
            return;
        }

        var others = view.ReplicaList;
        await SaveAsync(view with { Status = DeploymentStatus.Error, Reason = detail, ReplicaList = [], Replicas = new ReplicaCounts(0, 0) });
        RoutesChanged();
        await StopReplicasAsync(others);
    }

    /// <summary>
    /// A replica that missed the progress deadline: replaced (a new one is made by the reconcile)
    /// with the reason and its log in the deployment's, until <see cref="ServingOptions.ProgressAttempts"/>
    /// in a row have missed it; then it is a runtime that never became ready (Error, or a model change undone).
    /// </summary>
    private async Task NoProgressAsync(ReplicaView replica)
    {
        var stuck = replica.TransformerId ?? replica.WorkloadId;
        // Read once, at expiry, for the reason (a pod's Pending reason, a step it never got past): never polled.
        var workload = await GrainFactory.GetGrain<IWorkloadGrain>(stuck).Get();
        var where = (replica.Url ?? replica.PredictorUrl) is null ? "never got an address" : "got an address but never answered its probe";
        var reason = $"replica {stuck} {where} within {options.ProgressDeadline.TotalSeconds:0} s of its admission"
            + (workload is null ? "" : $" (its workload is {workload.Status}{(workload.Reason is { } why ? $": {why}" : "")})");
        var stalls = state.State.Stalls + 1;
        if (stalls >= options.ProgressAttempts)
        {
            state.State.Stalls = 0;
            await RuntimeFailedAsync(replica, $"{reason} ({stalls} replicas in a row)");
            return;
        }

        logger.LogWarning("Deployment {Id}: {Reason}; replacing it", Id, reason);
        var log = await LogTailAsync(stuck);
        state.State.Stalls = stalls;
        await SaveAsync(WithoutReplica(View, replica.WorkloadId) with
        {
            Reason = $"{reason}; replaced ({stalls} of {options.ProgressAttempts} attempts){(log.Length == 0 ? "" : $"; its log ends:\n{log}")}",
        });
        await StopReplicasAsync([replica]);
        await ReconcileAsync();
    }

    private async Task<string> LogTailAsync(string replicaId)
    {
        try
        {
            var lines = new Queue<string>();
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await foreach (var line in GrainFactory.GetGrain<IWorkloadGrain>(replicaId).ReadLog(false, cancel.Token))
            {
                lines.Enqueue(line);
                if (lines.Count > LogTail)
                {
                    lines.Dequeue();
                }
            }

            return string.Join('\n', lines);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Reading the log of replica {Replica} failed", replicaId);
            return "";
        }
    }

    private async Task StopReplicasAsync(IEnumerable<ReplicaView> replicas)
    {
        foreach (var replica in replicas)
        {
            CancelProbes(replica);
            _drainUntil.Remove(replica.WorkloadId);
            foreach (var id in new[] { replica.WorkloadId, replica.TransformerId }.OfType<string>())
            {
                try
                {
                    await GrainFactory.GetGrain<IWorkloadGrain>(id).Stop();
                }
                catch (DomainException)
                {
                    // Never created (its create failed after the replica was stored), or ended and forgotten: nothing runs.
                }
            }
        }
    }

    private void EnsureTicking()
    {
        _ticker ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(options.TickInterval, options.TickInterval) { KeepAlive = true });
    }

    /// <summary>The autoscaler's tick: the concurrency the gateways reported decides the replicas; drained replicas are stopped.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (state.State.View is not { } view)
        {
            return;
        }

        var now = time.GetUtcNow();
        var drained = view.ReplicaList.Where(r => r.Draining && (!_drainUntil.TryGetValue(r.WorkloadId, out var until) || until <= now)).ToList();
        if (drained.Count > 0)
        {
            await SaveAsync(view with { ReplicaList = view.ReplicaList.Where(r => !drained.Contains(r)).ToList() });
            await StopReplicasAsync(drained);
            view = View;
        }

        if (view.Status is not (DeploymentStatus.Starting or DeploymentStatus.Running or DeploymentStatus.Updating))
        {
            return;
        }

        if (view.ReplicaList.FirstOrDefault(r => !r.Ready && !r.Draining && r.AdmittedAt is { } at && now - at >= options.ProgressDeadline) is { } stalled)
        {
            // One a tick: what it does (replace, undo a model change, Error) changes the list.
            await NoProgressAsync(stalled);
            if (state.State.View is not { Status: DeploymentStatus.Starting or DeploymentStatus.Running or DeploymentStatus.Updating } after)
            {
                return;
            }

            view = after;
        }

        await ScaleAsync(now, view, upOnly: false);
    }

    /// <summary>The concurrency the gateways reported last, summed over those whose report is fresh.</summary>
    private double Observed(DateTimeOffset now) => _reports.Values.Where(r => now - r.At <= options.ReportTtl).Sum(r => r.Concurrency);

    /// <summary>
    /// Records the observed concurrency and applies the autoscaler's decision: at a tick whatever it
    /// is; on a report (<paramref name="upOnly"/>) only a panic that asks for more replicas.
    /// </summary>
    private async Task ScaleAsync(DateTimeOffset now, DeploymentView view, bool upOnly)
    {
        var observed = Observed(now);
        _autoscaler.Record(now, observed);
        var ready = view.ReplicaList.Count(r => r.Ready && !r.Draining && r.ModelVersion == state.State.ServingVersion);
        var decision = _autoscaler.Decide(now, ready, new ScaleBounds(view.Spec.MinReplicas, view.Spec.MaxReplicas, view.Spec.MaxConcurrentRequests));
        var lastReport = upOnly ? now : _scale.LastReportAt;
        if (upOnly && !(decision.Panicking && decision.DesiredReplicas > view.Replicas.Desired))
        {
            _scale = new ScaleState(observed, decision.StableConcurrency, decision.PanicConcurrency, decision.Panicking, view.Replicas.Desired, now, lastReport);
            return;
        }

        _scale = new ScaleState(observed, decision.StableConcurrency, decision.PanicConcurrency, decision.Panicking, decision.DesiredReplicas, now, lastReport);
        // A deployment still starting keeps its first replicas until they serve (Knative's initial scale).
        if (decision.DesiredReplicas != view.Replicas.Desired && (view.Status != DeploymentStatus.Starting || decision.DesiredReplicas > view.Replicas.Desired))
        {
            logger.LogInformation("Deployment {Id}: {From} -> {To} replicas (stable {Stable:0.0}, panic {Panic:0.0}{Panicking})", Id,
                view.Replicas.Desired, decision.DesiredReplicas, decision.StableConcurrency, decision.PanicConcurrency, decision.Panicking ? ", panicking" : "");
            await SaveAsync(view with { Replicas = view.Replicas with { Desired = decision.DesiredReplicas } });
            await ReconcileAsync();
        }
    }

    private DeploymentRoutes? Routes()
    {
        if (state.State.View is not { } view)
        {
            return null;
        }

        var targets = view.ReplicaList
            .Where(r => r.Ready && !r.Draining && r.Url is not null && r.ModelVersion == state.State.ServingVersion)
            .Select(r => new RouteTarget(r.WorkloadId, r.Url!)).ToList();
        return new DeploymentRoutes(_routesVersion, view.Owner, view.Group, view.Status, targets, view.Spec.MaxConcurrentRequests,
            view.Spec.Serving.Prefix, view.Spec.LogPredictions, view.Name, state.State.ServingVersion);
    }

    /// <summary>Tells the gateways following the routes (their <see cref="WaitRoutes"/> returns).</summary>
    private void RoutesChanged()
    {
        _routesVersion++;
        foreach (var waiter in _routeWaiters.ToList())
        {
            waiter.TrySetResult();
        }
    }

    private static void Validate(int min, int max, int maxConcurrent)
    {
        if (min < 0 || max < 0 || maxConcurrent < 1)
        {
            throw DomainException.Validation(min < 0 ? "minReplicas" : max < 0 ? "maxReplicas" : "maxConcurrentRequests",
                "minReplicas and maxReplicas must be 0 or more, maxConcurrentRequests 1 or more.");
        }

        if (max > 0 && min > max || max > DeploymentSpec.ReplicaLimit || min > DeploymentSpec.ReplicaLimit)
        {
            throw DomainException.Validation("minReplicas", $"minReplicas ({min}) must not exceed maxReplicas ({max}), nor either {DeploymentSpec.ReplicaLimit}.");
        }
    }

    private static int Bounded(int desired, DeploymentSpec spec) =>
        Math.Clamp(desired, spec.MinReplicas, spec.MaxReplicas > 0 ? Math.Max(spec.MaxReplicas, spec.MinReplicas) : DeploymentSpec.ReplicaLimit);

    private ReplicaView? ReplicaOf(string workloadId) => state.State.View?.ReplicaList.FirstOrDefault(r => r.Has(workloadId));

    /// <summary>Makes the transformer of a replica whose predictor is ready (stored first, so a retry after a crash makes the same one).</summary>
    private async Task StartTransformerAsync(ReplicaView replica, TransformerSpec transformer)
    {
        var transformerId = $"{replica.WorkloadId}-t";
        var view = View;
        await SaveAsync(WithReplica(view, replica with { TransformerId = transformerId }));
        var spec = ReplicaSpecs.ForTransformer(Id, $"{view.Name}-{transformerId[(Id.Length + 1)..]}", view.Spec, transformer, replica.PredictorUrl!);
        await ReplicaWorkloads.CreateAsync(GrainFactory, transformerId, spec, view.Owner, Id, this.GetGrainId());
    }

    private static DeploymentView WithReplica(DeploymentView view, ReplicaView replica) =>
        view with { ReplicaList = view.ReplicaList.Select(r => r.WorkloadId == replica.WorkloadId ? replica : r).ToList() };

    private static DeploymentView WithoutReplica(DeploymentView view, string replicaId) =>
        view with { ReplicaList = view.ReplicaList.Where(r => r.WorkloadId != replicaId).ToList() };

    private async Task SaveAsync(DeploymentView view)
    {
        var (before, next, serving, samples, stalls) = (state.State.View, state.State.NextReplica, state.State.ServingVersion, state.State.ReplicaHistory, state.State.Stalls);
        state.State.View = view;
        if (samples.Count == 0 || samples[^1].Desired != view.Replicas.Desired || samples[^1].Ready != view.Replicas.Ready)
        {
            // A new list, so that a failed write can put the old one back.
            state.State.ReplicaHistory = [.. samples.Skip(Math.Max(0, samples.Count - MaxReplicaSamples + 1)), new ReplicaSample(time.GetUtcNow(), view.Replicas.Desired, view.Replicas.Ready)];
        }

        // Not stored, so not told: memory goes back to what storage holds (the listing row is in the same write).
        await state.SaveAsync(() => (state.State.View, state.State.NextReplica, state.State.ServingVersion, state.State.ReplicaHistory, state.State.Stalls)
            = (before, next, serving, samples, stalls));
        TellParentIfSettled();
    }

    public async Task ParentTold(DeploymentStatus status)
    {
        if (state.State.View is null || state.State.ParentTold is not null)
        {
            return;
        }

        state.State.ParentTold = status;
        await state.SaveAsync(() => state.State.ParentTold = null);
    }

    /// <summary>
    /// A deployment made by a parent tells it, once stored, that it settled (Running, Error or
    /// Stopped), until the parent got it: each stored change re-sends while the notice is not noted
    /// (a repeat is harmless to the parent), and so does the next activation.
    /// </summary>
    private void TellParentIfSettled()
    {
        if (state.State.View is { Parent: not null } view && view.Status.IsSettled() && state.State.ParentTold is null)
        {
            TellParent(view);
        }
    }

    private void TellParent(DeploymentView view)
    {
        var (watcher, self, status) = (GrainFactory.GetGrain<IDeploymentWatcher>(view.Parent!.Watcher), this.AsReference<IDeploymentGrain>(), view.Status);
        OffTurnNotice.Send(() => watcher.DeploymentSettled(view), () => self.ParentTold(status), ParentNoticeBudget, logger,
            $"Telling {view.Parent.Kind} {view.Parent.Id} that deployment {Id} is {status}", "its next stored change or activation tells it again");
    }
}
