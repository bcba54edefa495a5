using System.Text.Json;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Live;
using DKube.Abstractions.Monitors;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Serving;
using DKube.Grains.Affinity;
using DKube.Grains.Persistence;
using DKube.Monitoring;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Monitors;

/// <summary>
/// One monitor: the single writer of its schema, schedules, alert states and webhook deliveries.
/// While Active, one durable reminder per scheduled component ticks (<c>evaluate-drift</c>, ...);
/// a tick runs the same evaluation as <see cref="Evaluate"/> when the component is due
/// (<see cref="ScheduleMath"/>, on the injected clock). An evaluation reads the live window since
/// the component's last one from the prediction log, scores it against the baseline with
/// <c>DKube.Monitoring</c>, appends the result to the time series, steps each alert of that
/// component (<see cref="AlertMachine"/>) and, for a firing or resolution, records it, publishes it
/// on the <c>monitors</c> feed and hands it to the <see cref="WebhookSender"/> (off this turn).
/// The baseline's columns are read once per activation and kept in memory. A monitor that names a
/// cluster (<see cref="MonitorSpec.Cluster"/>) has the scoring done by that cluster's
/// <see cref="MonitorWorkerGrain"/> on a silo of it, and keeps the rest (state, schedule, alerts) here.
/// </summary>
public sealed partial class MonitorGrain(
    [PersistentState("monitor")] IPersistentState<MonitorState> state,
    BaselineReader baselines,
    MonitorComputation computation,
    IMonitorRecords records,
    WebhookSender webhooks,
    WebhookPolicy webhookPolicy,
    ILiveEvents live,
    MonitorOptions options,
    ClusterSilos clusterSilos,
    IObjectQuotas quotas,
    TimeProvider time,
    ILogger<MonitorGrain> logger) : Grain, IMonitorGrain, IRemindable
{
    private const string ReminderPrefix = "evaluate-";
    private static readonly JsonSerializerOptions SpecJson = new(JsonSerializerDefaults.General);

    private (FeatureSchema Schema, ColumnTable Table)? _baseline;

    private string Id => this.GetPrimaryKeyString();

    private MonitorView View => state.State.View ?? throw DomainException.NotFound("Monitor", Id);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Deliveries a restart interrupted go on from their last attempt.
        foreach (var delivery in state.State.View?.Deliveries.Where(d => d.State == WebhookDelivery.Pending) ?? [])
        {
            webhooks.Send(Id, delivery);
        }

        if (state.State.View?.Retrainings?.Any(r => r.InFlight) == true)
        {
            try
            {
                await RecoverRetrainingsAsync();
            }
            catch (Exception e) when (e is not DomainException)
            {
                // The next evaluation (or activation) tries again; the runs' ends are redelivered meanwhile.
                logger.LogWarning(e, "Monitor {Monitor} could not recover its retraining runs yet", Id);
            }
        }
    }

    public async Task<MonitorView> Create(MonitorSpec spec, string owner, string deploymentOwner, string group, string? project)
    {
        if (state.State.View is { } existing)
        {
            return existing.Owner == owner && JsonSerializer.Serialize(existing.Spec, SpecJson) == JsonSerializer.Serialize(spec, SpecJson)
                ? existing
                : throw DomainException.Conflict("already-exists", $"Monitor '{Id}' already exists (its idempotency key was used for another request).");
        }

        var (schema, table) = await baselines.ReadAsync(spec.Baseline, spec.Features, CancellationToken.None);
        Validate(spec, schema, table.Rows);
        foreach (var (alert, i) in spec.Alerts.Select((a, i) => (a, i)).Where(a => a.a.Webhook is not null))
        {
            await webhookPolicy.RequireAllowedAsync($"alerts[{i}].webhook", alert.Webhook!, CancellationToken.None);
        }

        _baseline = (schema, table);
        var columns = schema.Columns.Select(c => new MonitorColumn(c.Name, c.Kind.ToString().ToLowerInvariant(), c.Role.ToString().ToLowerInvariant())).ToList();
        var alerts = spec.Alerts.Select(a => new AlertState(a.Name, false, 0, null)).ToList();
        // A place in the group's monitors quota (422 when full; by id, so a retried create claims
        // nothing twice), given back when the monitor is not stored or is deleted.
        await quotas.ClaimAsync(group, IObjectQuotas.Monitors, Id);
        try
        {
            await SaveAsync(new MonitorView(Id, spec.Name, spec.Deployment, owner, deploymentOwner, group, project, MonitorStatus.Ready, null, spec,
                columns, table.Rows, new Dictionary<string, DateTimeOffset>(), alerts, [], time.GetUtcNow(), null));
        }
        catch
        {
            await quotas.ReleaseAsync(group, IObjectQuotas.Monitors, Id);
            throw;
        }

        await PublishViewAsync();
        return View;
    }

    public Task<MonitorView?> Get() => Task.FromResult(state.State.View);

    public async Task<MonitorView> Start()
    {
        var view = View;
        if (view.Status == MonitorStatus.Active)
        {
            return view;
        }

        await SaveAsync(view with { Status = MonitorStatus.Active, Reason = null, ActiveSince = time.GetUtcNow() });
        foreach (var component in MonitorKinds.Components)
        {
            var every = View.Spec.Schedule.EveryMinutes(component);
            if (every > 0)
            {
                var period = TimeSpan.FromMinutes(every);
                await this.RegisterOrUpdateReminder(ReminderPrefix + component, period, period);
            }
        }

        await PublishViewAsync();
        return View;
    }

    public async Task<MonitorView> Stop()
    {
        var view = View;
        if (view.Status != MonitorStatus.Active)
        {
            return view;
        }

        await SaveAsync(view with { Status = MonitorStatus.Stopped });
        await UnregisterRemindersAsync();
        await PublishViewAsync();
        return View;
    }

    public async Task<IReadOnlyList<MonitorResult>> Evaluate(string? component)
    {
        if (View.Status == MonitorStatus.Error)
        {
            throw DomainException.Conflict("invalid-state", $"Monitor '{Id}' is in Error ({View.Reason}); it cannot evaluate.");
        }

        var results = new List<MonitorResult>();
        foreach (var kind in component is null ? MonitorKinds.Components : [component])
        {
            if (await EvaluateAsync(kind) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    public async Task Delete()
    {
        var group = View.Group;
        await UnregisterRemindersAsync();
        await records.DeleteAsync(Id);
        await state.SaveAsync(DeactivateOnIdle, clear: true);
        state.State = new MonitorState();
        await quotas.ReleaseAsync(group, IObjectQuotas.Monitors, Id);
        DeactivateOnIdle();
    }

    public async Task DeliveryUpdated(string deliveryId, string deliveryState, int attempts, string? error)
    {
        if (state.State.View is not { } view || view.Deliveries.FirstOrDefault(d => d.Id == deliveryId) is not { } delivery
            || delivery.State != WebhookDelivery.Pending || attempts < delivery.Attempts)
        {
            return;
        }

        var updated = delivery with { State = deliveryState, Attempts = attempts, LastError = error, UpdatedAt = time.GetUtcNow() };
        await SaveAsync(view with { Deliveries = view.Deliveries.Select(d => d.Id == deliveryId ? updated : d).ToList() });
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var component = reminderName.StartsWith(ReminderPrefix, StringComparison.Ordinal) ? reminderName[ReminderPrefix.Length..] : null;
        if (state.State.View is not { Status: MonitorStatus.Active } view || component is null || !MonitorKinds.Components.Contains(component))
        {
            // Deleted or stopped while a tick was on its way (or a reminder of an older schedule): it has nothing more to do.
            await UnregisterRemindersAsync(reminderName);
            return;
        }

        if (!ScheduleMath.IsDue(view.LastEvaluated.TryGetValue(component, out var last) ? last : null, view.Spec.Schedule.EveryMinutes(component), time.GetUtcNow()))
        {
            return;
        }

        try
        {
            await EvaluateAsync(component);
        }
        catch (Exception e) when (e is not DomainException || e is DomainException { Kind: ErrorKind.Unavailable })
        {
            // The next tick tries again (a cluster without a silo up is in the view's lastError); a
            // reminder that throws would only be retried by Orleans the same way.
            logger.LogWarning(e, "Scheduled {Component} evaluation of monitor {Monitor} failed", component, Id);
        }
    }

    /// <summary>One evaluation of one component, stored; null when the monitor went to Error instead.</summary>
    private async Task<MonitorResult?> EvaluateAsync(string component)
    {
        var view = View;
        var from = view.LastEvaluated.TryGetValue(component, out var last) ? last : view.CreatedAt;
        // The gateway logs off the request's path: the newest seconds may not be written yet, so the window ends a little before now.
        var now = time.GetUtcNow() - options.LogSettle;
        // PostgreSQL keeps microseconds: the window's ends are what the results table says they are.
        now = now < from ? from : new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
        if (await GrainFactory.GetGrain<IDeploymentGrain>(view.Spec.Deployment).Get() is not { } deployment)
        {
            await FailAsync($"deployment '{view.Spec.Deployment}' no longer exists");
            return null;
        }

        var work = new MonitorWork(Id, view.Spec, component, from, now, deployment);
        MonitorResult result;
        if (view.Spec.Cluster is not { } cluster)
        {
            var baseline = component == MonitorKinds.Health ? null : await BaselineAsync();
            if (component != MonitorKinds.Health && baseline is null)
            {
                return null;
            }

            result = await computation.ComputeAsync(work, () => Task.FromResult(baseline!.Value));
        }
        else if (await ComputeOnClusterAsync(cluster, work) is { } computed)
        {
            result = computed;
        }
        else
        {
            return null;
        }

        await records.AppendResultAsync(Id, result);
        await ApplyAsync(result);
        return result;
    }

    /// <summary>Steps the component's alerts with the result; stores the new states and deliveries, then records, publishes and sends the transitions.</summary>
    private async Task ApplyAsync(MonitorResult result)
    {
        var view = View;
        var events = new List<AlertEvent>();
        var alertStates = view.Alerts.ToDictionary(a => a.Alert, StringComparer.Ordinal);
        foreach (var alert in view.Spec.Alerts.Where(a => a.On == result.Kind))
        {
            // An alert is breached when any of its conditions is; its value is the first breaching condition's (else the first known).
            var known = alert.Conditions.Select(c => (Condition: c, Value: MonitorScoring.ValueOf(result, c.Subject)))
                .Where(c => c.Value is { } v && !double.IsNaN(v)).ToList();
            var breaching = known.FirstOrDefault(c => new AlertCondition(c.Condition.Subject, AlertCondition.ParseOp(c.Condition.Op), c.Condition.Value).IsBreachedBy(c.Value!.Value));
            double? breach = known.Count == 0 ? null : breaching.Value is null ? 0 : 1;
            var current = alertStates.TryGetValue(alert.Name, out var s) ? new AlertStatus(s.Firing, s.Breaches, s.Since) : AlertStatus.Initial;
            var (next, transition) = AlertMachine.Step(new AlertCondition(alert.Name, ComparisonOp.GreaterThan, 0.5, alert.Breaches), current, result.At, breach);
            alertStates[alert.Name] = new AlertState(alert.Name, next.Firing, next.Breaches, next.Since);
            if (transition is not null)
            {
                var (subject, value) = breaching.Value is { } v ? (breaching.Condition.Subject, v) : (known[0].Condition.Subject, known[0].Value!.Value);
                events.Add(new AlertEvent(Id, view.Spec.Deployment, alert.Name, alert.On,
                    transition.Kind == AlertTransitionKind.Fired ? MonitorKinds.Firing : MonitorKinds.Resolved, transition.At, value, subject));
            }
        }

        var deliveries = view.Deliveries.ToList();
        foreach (var alertEvent in events)
        {
            if (view.Spec.Alerts.First(a => a.Name == alertEvent.Alert).Webhook is { } url)
            {
                deliveries.Add(new WebhookDelivery($"w{state.State.NextDelivery++}", alertEvent.Alert, url, WebhookDelivery.Pending, 0, null, result.At, null, alertEvent));
            }
        }

        // The newest deliveries are kept; an old one still pending is kept until it ends.
        var kept = deliveries.Where((d, i) => d.State == WebhookDelivery.Pending || i >= deliveries.Count - options.KeptDeliveries).ToList();
        var lastEvaluated = new Dictionary<string, DateTimeOffset>(view.LastEvaluated) { [result.Kind] = result.At };
        await SaveAsync(view with
        {
            LastEvaluated = lastEvaluated,
            Alerts = view.Alerts.Select(a => alertStates[a.Alert]).ToList(),
            Deliveries = kept,
            Retrainings = WithRetrainings(view, events),
            LastError = null,
        });
        foreach (var alertEvent in events)
        {
            await records.AppendAlertAsync(alertEvent);
            await live.Publish(LiveTopics.Monitors, LiveScope.Of(view.DeploymentOwner, view.Group), alertEvent);
            logger.LogInformation("Monitor {Monitor}: alert {Alert} {State} ({Subject} = {Value})", Id, alertEvent.Alert, alertEvent.State, alertEvent.Subject, alertEvent.Value);
        }

        foreach (var delivery in kept.Where(d => d.State == WebhookDelivery.Pending && d.Attempts == 0))
        {
            webhooks.Send(Id, delivery);
        }

        // The new retrainings, and any whose run a failure left uncreated.
        await StartRetrainingsAsync();
    }

    /// <summary>
    /// The evaluation computed by the worker of the monitor's cluster, on a silo of it; null when
    /// the baseline cannot be read there any more (the monitor is in Error, as it would be here).
    /// When no silo of the cluster is up, or the call fails on its way, the monitor records why
    /// (<see cref="MonitorView.LastError"/>, state unchanged) and throws: a manual evaluation
    /// answers it, a scheduled one is tried again at the next tick.
    /// </summary>
    private async Task<MonitorResult?> ComputeOnClusterAsync(string cluster, MonitorWork work)
    {
        try
        {
            // Asked before the call: a worker activated on a silo of another cluster (placement's
            // fallback) would be found again by the next call through the callers' location cache.
            if (!clusterSilos.AnyActive(cluster))
            {
                throw MonitorWorkerGrain.ClusterUnavailable(cluster);
            }

            return await GrainFactory.GetGrain<IMonitorWorkerGrain>(cluster).Compute(work);
        }
        catch (DomainException e) when (e.Kind == ErrorKind.Unavailable)
        {
            await RecordErrorAsync(work.Component, e.Code, e.Message);
            throw;
        }
        catch (DomainException e)
        {
            await FailAsync($"the baseline cannot be read: {e.Message}");
            return null;
        }
        catch (Exception e)
        {
            await RecordErrorAsync(work.Component, "evaluation-failed", $"Cluster '{cluster}' could not compute the evaluation: {e.Message}");
            throw new DomainException(ErrorKind.Unavailable, "evaluation-failed", $"Cluster '{cluster}' could not compute the {work.Component} evaluation ({e.GetType().Name}); the next scheduled evaluation tries again.");
        }
    }

    private async Task RecordErrorAsync(string component, string type, string message)
    {
        logger.LogWarning("Monitor {Monitor} could not evaluate {Component}: {Message}", Id, component, message);
        await SaveAsync(View with { LastError = new MonitorEvaluationError(component, time.GetUtcNow(), type, message) });
        await PublishViewAsync();
    }

    /// <summary>The baseline's schema and columns, read once per activation; null (and the monitor in Error) when it cannot be read any more.</summary>
    private async Task<(FeatureSchema Schema, ColumnTable Table)?> BaselineAsync()
    {
        if (_baseline is null)
        {
            try
            {
                _baseline = await baselines.ReadAsync(View.Spec.Baseline, View.Spec.Features, CancellationToken.None);
            }
            catch (DomainException e)
            {
                await FailAsync($"the baseline cannot be read: {e.Message}");
                return null;
            }
        }

        return _baseline;
    }

    private async Task FailAsync(string reason)
    {
        logger.LogWarning("Monitor {Monitor} is in Error: {Reason}", Id, reason);
        await SaveAsync(View with { Status = MonitorStatus.Error, Reason = reason });
        await UnregisterRemindersAsync();
        await PublishViewAsync();
    }

    private async Task UnregisterRemindersAsync(string? only = null)
    {
        foreach (var reminder in await this.GetReminders())
        {
            if (only is null || reminder.ReminderName == only)
            {
                await this.UnregisterReminder(reminder);
            }
        }
    }

    /// <summary>
    /// Thresholds and alert conditions must name what the monitor scores: a compared column
    /// (drift) or a metric of the component; thresholds must run the score's way (soft before hard).
    /// </summary>
    private static void Validate(MonitorSpec spec, FeatureSchema schema, long baselineRows)
    {
        var features = schema.Compared.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var performance = spec.ModelType == MonitorKinds.Regression ? MonitorKinds.RegressionMetrics : MonitorKinds.ClassificationMetrics;
        foreach (var (subject, threshold) in spec.Thresholds)
        {
            var direction = features.TryGetValue(subject, out var column)
                ? MonitorScoring.DirectionOf(MonitorScoring.ResolvedMethod(spec.Schedule.Algorithm, column.Kind, baselineRows))
                : performance.Contains(subject) || MonitorKinds.HealthMetrics.Contains(subject) || MonitorKinds.DriftSummaries.Contains(subject)
                    ? MetricDirections.For(subject)
                    : throw Unknown(subject, "thresholds", features.Keys, performance);
            try
            {
                _ = new Threshold(threshold.Soft, threshold.Hard, direction);
            }
            catch (ArgumentException e)
            {
                throw new DomainException(ErrorKind.Unprocessable, "invalid-threshold", $"thresholds.{subject}: {e.Message}",
                    new Dictionary<string, string[]> { [$"thresholds.{subject}"] = [e.Message] });
            }
        }

        foreach (var alert in spec.Alerts)
        {
            ValidateRetrain(alert);
            foreach (var condition in alert.Conditions)
            {
                var known = alert.On switch
                {
                    MonitorKinds.Drift => features.ContainsKey(condition.Subject) || MonitorKinds.DriftSummaries.Contains(condition.Subject),
                    MonitorKinds.Performance => performance.Contains(condition.Subject),
                    _ => MonitorKinds.HealthMetrics.Contains(condition.Subject),
                };
                if (!known)
                {
                    throw Unknown(condition.Subject, $"alert '{alert.Name}' (on {alert.On})", alert.On == MonitorKinds.Drift ? features.Keys : [],
                        alert.On switch { MonitorKinds.Drift => MonitorKinds.DriftSummaries, MonitorKinds.Performance => performance, _ => MonitorKinds.HealthMetrics });
                }
            }
        }
    }

    private static DomainException Unknown(string subject, string where, IEnumerable<string> features, IEnumerable<string> metrics)
    {
        var isFeature = features.Any();
        var known = string.Join(", ", features.Concat(metrics));
        return DomainException.Unprocessable(isFeature ? "unknown-column" : "unknown-metric",
            $"'{subject}' in {where} is neither a monitored column of the baseline nor a metric of the component (known: {known}).");
    }

    private Task PublishViewAsync() =>
        state.State.View is { } view ? live.Publish(LiveTopics.Monitors, LiveScope.Of(view.DeploymentOwner, view.Group), view) : Task.CompletedTask;

    private async Task SaveAsync(MonitorView view)
    {
        var (before, next, retraining) = (state.State.View, state.State.NextDelivery, state.State.NextRetraining);
        state.State.View = view;
        // Not stored, so not told: memory goes back to what storage holds (the listing row is in the same write).
        await state.SaveAsync(() => (state.State.View, state.State.NextDelivery, state.State.NextRetraining) = (before, next, retraining));
    }
}
