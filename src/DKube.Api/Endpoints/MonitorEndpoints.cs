using System.Globalization;
using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Monitors;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;
using DKube.Abstractions.Tenancy;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Validation;
using DKube.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>
/// Monitors of deployments: drift, performance and health with alerts. One visibility rule: a
/// monitor is visible to whoever may see its deployment (<see cref="DeploymentEndpoints.VisibleAsync"/>
/// when it is made; the deployment's owner and group, kept with the monitor, after that); its
/// owner (who made it) or an operator changes it.
/// </summary>
public static class MonitorEndpoints
{
    /// <summary>The most results or alert events one read answers.</summary>
    public const int MaxPage = 500;

    private const int MaxAlerts = 50;
    private const int MaxConditions = 20;

    public static void MapMonitorEndpoints(this RouteGroupBuilder api)
    {
        var monitors = api.MapGroup("/monitors").WithTags("Monitors").RequireCaller();
        monitors.MapPost("/", Create)
            .WithSummary("Monitor a deployment: the baseline (a CSV in a dataset version) gives the schema (editable with `features`); drift, performance and health are evaluated on their schedules while the monitor is Active, alerts fire after N consecutive breaches; an alert's `webhook` is POSTed each firing and resolution, and its `retrain: {template, promote}` starts a run from the template when it fires (one at a time per alert) and, with `promote`, moves the deployment to the model version the run completes with (lineage: `trigger: {kind: monitor, id, cause: alert}`). `cluster` (a registered one, else 404; default: an imported deployment's cluster) has a silo of that cluster compute the evaluations. 422 `baseline-not-csv`, `unknown-column`, `unknown-metric`, `invalid-threshold`, `invalid-retrain`, `webhook-not-allowed` (a webhook to a loopback, private or link-local address unless DKUBE_MONITOR_WEBHOOK_ALLOWED_HOSTS allows it). An `Idempotency-Key` header makes a retry reach the monitor the first attempt stored.");
        monitors.MapList(ResourceKinds.Monitor, "monitors");
        monitors.MapGet("/{id}", async (string id, HttpContext http, IGrainFactory grains) => TypedResults.Ok(await VisibleAsync(id, http.Caller(), grains)))
            .WithSummary("A monitor: status, schema, schedules, thresholds, alerts with their state, when each component was last evaluated, the webhook deliveries (pending, delivered, failed, with attempts and the last error) the retrainings its alerts started (`{run, alert, firedAt, state: starting|running|promoted|completed|failed, version, reason}`) and `lastError: {component, at, type: cluster-unavailable|evaluation-failed, message}` while evaluations cannot run (no silo of the monitor's `cluster` up), cleared by the next that does.");
        monitors.MapPost("/{id}/start", async (string id, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await (await OwnedAsync(id, http.Caller(), grains)).Start()))
            .WithSummary("Active: each component is evaluated every `everyMinutes` (durable reminders that survive restarts).");
        monitors.MapPost("/{id}/stop", async (string id, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await (await OwnedAsync(id, http.Caller(), grains)).Stop()))
            .WithSummary("Stopped: the schedules end; results and alerts stay.");
        monitors.MapPost("/{id}/evaluate", async (string id, string? component, HttpContext http, IGrainFactory grains) =>
            {
                if (component is not null && !MonitorKinds.Components.Contains(component))
                {
                    throw DomainException.Validation("component", "must be drift, performance or health.");
                }

                var results = await (await OwnedAsync(id, http.Caller(), grains)).Evaluate(component);
                return TypedResults.Ok(new ItemsPage<MonitorResult>(results, null));
            })
            .WithSummary("Evaluate now, whatever the schedule: every component, or the one named by `?component=drift|performance|health`, over the live window since its last evaluation. Answers the results stored (alerts are stepped as on a schedule); 503 `cluster-unavailable` when no silo of the monitor's `cluster` is up.");
        monitors.MapPost("/{id}/clone", Clone)
            .WithSummary("A new monitor (Ready) with the same baseline, schema edits, schedules, thresholds and alerts, optionally on another `deployment` or under another `name`.");
        monitors.MapDelete("/{id}", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            await (await OwnedAsync(id, http.Caller(), grains)).Delete();
            return TypedResults.NoContent();
        }).WithSummary("Stop the schedules and forget the monitor, its results, alert history and ground truth.");
        monitors.MapGet("/{id}/results", async (string id, DateTimeOffset? since, string? kind, int? limit, HttpContext http, IGrainFactory grains, IMonitorRecords records) =>
            {
                await VisibleAsync(id, http.Caller(), grains);
                var take = Math.Clamp(limit ?? MaxPage, 1, MaxPage);
                var results = await records.ReadResultsAsync(id, since, kind, take, http.RequestAborted);
                // The next page starts after the last result answered (results are ordered by time).
                var next = results.Count == take ? results[^1].At.ToString("O", CultureInfo.InvariantCulture) : null;
                return TypedResults.Ok(new ItemsPage<MonitorResult>(results, next));
            })
            .WithSummary("The time series of evaluations, oldest first: `{at, kind, from, rows, scores: {feature or metric: {value, algorithm?, state}}}` and `computedOn: {cluster, silo}` (where it was computed), `source: gateway|posted` (the requests served here, or the predictions posted to an imported deployment) and `note` (what the evaluation could not compute and why, e.g. nothing posted in the window) after `since` (ISO 8601), of one `kind` if given, at most `limit` (500); `nextCursor` is the `since` of the next page.");
        monitors.MapGet("/{id}/alerts", async (string id, int? limit, HttpContext http, IGrainFactory grains, IMonitorRecords records) =>
            {
                await VisibleAsync(id, http.Caller(), grains);
                return TypedResults.Ok(new ItemsPage<AlertEvent>(await records.ReadAlertsAsync(id, Math.Clamp(limit ?? MaxPage, 1, MaxPage), http.RequestAborted), null));
            })
            .WithSummary("The history of alerts, newest first: `{alert, state: firing|resolved, since, value, subject, on}`.");
        monitors.MapPost("/{id}/groundtruth", GroundTruth)
            .Accepts<string>("text/csv")
            .WithSummary("Ground truth as CSV `requestId,label` (a header row; `requestId` is the gateway's `X-Request-Id`, `requestId#n` for the n-th instance of a batch). A label sent again replaces the first. Performance is evaluated over the labels received since its last evaluation, joined to the logged predictions.");
    }

    /// <summary>The monitor, or 404 when missing or when the caller may not see its deployment.</summary>
    public static async Task<MonitorView> VisibleAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = ResourceIds.IsWellFormed(id) ? await grains.GetGrain<IMonitorGrain>(id).Get() : null;
        return view is not null && caller.CanSee(view.DeploymentOwner, view.Group) ? view : throw DomainException.NotFound("Monitor", id);
    }

    private static async Task<IMonitorGrain> OwnedAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = await VisibleAsync(id, caller, grains);
        caller.RequireOwner(view.Owner, "monitor", id);
        return grains.GetGrain<IMonitorGrain>(id);
    }

    private static async Task<Created<MonitorView>> Create(
        CreateMonitorRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code,
        [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey)
    {
        var caller = http.Caller();
        Validate(request);
        var deployment = await DeploymentEndpoints.VisibleAsync(request.Deployment!, caller, grains);
        var retrains = new Dictionary<string, AlertRetrain>(StringComparer.Ordinal);
        foreach (var alert in request.Alerts?.Where(a => a.Retrain is not null) ?? [])
        {
            retrains[alert.Name!] = await RetrainAsync(alert, deployment, http, grains, directory, code);
        }

        var baseline = await ResolveBaselineAsync(request.Baseline!, caller, grains, directory, http.RequestAborted);
        var modelType = request.ModelType ?? MonitorKinds.Classification;
        var spec = new MonitorSpec(
            request.Name ?? $"{deployment.Name}-monitor",
            deployment.Id,
            modelType,
            baseline,
            request.Features?.Select(f => new MonitorFeature(f.Name!, f.Kind, f.Use)).ToList() ?? [],
            new MonitorSchedule(
                request.Drift?.EveryMinutes ?? MonitorSchedule.DefaultDriftMinutes,
                request.Drift?.Algorithm ?? "auto",
                request.Performance?.EveryMinutes ?? MonitorSchedule.DefaultPerformanceMinutes,
                request.Performance?.Metrics?.Distinct().ToList() ?? [.. modelType == MonitorKinds.Regression ? MonitorKinds.RegressionMetrics : MonitorKinds.ClassificationMetrics],
                request.Health?.EveryMinutes ?? MonitorSchedule.DefaultHealthMinutes),
            request.Thresholds?.ToDictionary(t => t.Key, t => new ThresholdSpec(t.Value.Soft!.Value, t.Value.Hard!.Value), StringComparer.Ordinal)
                ?? new Dictionary<string, ThresholdSpec>(StringComparer.Ordinal),
            request.Alerts?.Select(a => new AlertSpec(a.Name!, a.On!,
                a.Conditions!.Select(c => new AlertConditionSpec((c.Feature ?? c.Metric)!, c.Op!, c.Value!.Value)).ToList(), a.Breaches ?? 1, a.Webhook,
                retrains.GetValueOrDefault(a.Name!))).ToList() ?? [],
            await ClusterAsync(request.Cluster, deployment, grains));
        var view = await grains.GetGrain<IMonitorGrain>(IdempotencyKey.IdFor(idempotencyKey, "m", caller.Name))
            .Create(spec, caller.Name, deployment.Owner, deployment.Group, deployment.Project);
        return TypedResults.Created($"{DKubeApi.BasePath}/monitors/{view.Id}", view);
    }

    /// <summary>
    /// Where the monitor computes: the cluster asked (a registered one, else 404), else an imported
    /// deployment's cluster (the import names where its monitors compute), else none: the
    /// monitor's own silo. A served deployment's cluster is where its replicas run, which any
    /// silo reaches through that cluster's agent; its monitors need no silo of it.
    /// </summary>
    private static async Task<string?> ClusterAsync(string? asked, DeploymentView deployment, IGrainFactory grains)
    {
        if (asked is null)
        {
            return deployment.ImportedUrl is null ? null : deployment.Spec.Cluster;
        }

        await DeploymentEndpoints.RequireClusterAsync(asked, grains);
        return asked;
    }

    private static async Task<Created<MonitorView>> Clone(string id, CloneMonitorRequest? request, HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        new RequestValidator().Text("name", request?.Name, 200).Text("deployment", request?.Deployment, 200).ThrowIfInvalid();
        var source = await VisibleAsync(id, caller, grains);
        var deployment = await DeploymentEndpoints.VisibleAsync(request?.Deployment ?? source.Spec.Deployment, caller, grains);
        var spec = source.Spec with { Deployment = deployment.Id, Name = request?.Name ?? $"{source.Name}-copy" };
        var view = await grains.GetGrain<IMonitorGrain>(ResourceIds.New("m")).Create(spec, caller.Name, deployment.Owner, deployment.Group, deployment.Project);
        return TypedResults.Created($"{DKubeApi.BasePath}/monitors/{view.Id}", view);
    }

    private static async Task<Ok<GroundTruthAnswer>> GroundTruth(string id, HttpContext http, IGrainFactory grains, IMonitorRecords records, TimeProvider time)
    {
        await OwnedAsync(id, http.Caller(), grains);
        var rows = new List<GroundTruthRow>();
        try
        {
            using var csv = CsvReader.Open(http.Request.Body);
            var idColumn = csv.Header.Select((name, i) => (name, i)).FirstOrDefault(c => c.name.ToLowerInvariant() is "requestid" or "request_id" or "request-id" or "id").name;
            var labelColumn = csv.Header.FirstOrDefault(c => c.Equals("label", StringComparison.OrdinalIgnoreCase));
            if (idColumn is null || labelColumn is null)
            {
                throw DomainException.Validation("body", $"The CSV needs the columns requestId and label (it has: {string.Join(", ", csv.Header)}).");
            }

            var (idIndex, labelIndex) = (csv.IndexOf(idColumn), csv.IndexOf(labelColumn));
            while (csv.TryReadRow(out var row))
            {
                var (requestId, label) = (row[idIndex].Trim(), row[labelIndex].Trim());
                if (requestId.Length is 0 or > 200 || label.Length is 0 or > 1000)
                {
                    throw DomainException.Validation("body", $"Row {csv.Rows}: requestId (1-200 characters) and label (1-1000) may not be empty.");
                }

                rows.Add(new GroundTruthRow(requestId, label));
            }
        }
        catch (CsvFormatException e)
        {
            throw DomainException.Validation("body", $"The ground truth is not CSV: {e.Message}");
        }

        return TypedResults.Ok(new GroundTruthAnswer(await records.AddGroundTruthAsync(id, rows, time.GetUtcNow(), http.RequestAborted)));
    }

    /// <summary>
    /// An alert's retraining: the template (404 when the caller may not see it) resolved as a run
    /// of the caller's from it would be now; a template that does not output a model is a 422
    /// (the grain's <c>invalid-retrain</c>). Promotion changes the deployment: only its owner may
    /// ask for it, it must be served here (not imported), and the version promoted must be of its model.
    /// </summary>
    private static async Task<AlertRetrain> RetrainAsync(
        MonitorAlertRequest alert, DeploymentView deployment, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code)
    {
        var retrain = alert.Retrain!;
        var template = await TemplateEndpoints.VisibleAsync(retrain.Template!, http.Caller(), grains);
        var promote = retrain.Promote ?? false;
        if (promote)
        {
            http.Caller().RequireOwner(deployment.Owner, "deployment", deployment.Id);
            if (deployment.Status == DeploymentStatus.Imported)
            {
                throw DomainException.Unprocessable("invalid-retrain", $"alert '{alert.Name}': deployment '{deployment.Name}' is imported (served elsewhere); a version cannot be promoted to it.");
            }
        }

        var run = await RunEndpoints.FromTemplateAsync(template.Id, http, grains, directory, code);
        if (promote && run.Output is { RepoId: { } repoId } && repoId != deployment.Model.RepoId)
        {
            throw DomainException.Unprocessable("invalid-retrain",
                $"alert '{alert.Name}': template '{template.Name}' outputs to model '{run.Output.Name}', not to the deployment's model '{deployment.Model.Name}'; its version cannot be promoted.");
        }

        return new AlertRetrain(template.Id, promote, run);
    }

    /// <summary>The dataset (a name of the caller's or an id) and version, pinned: 404 when either is missing or not visible, 422 when it has no version.</summary>
    private static async Task<MonitorBaseline> ResolveBaselineAsync(
        MonitorBaselineRequest request, Caller caller, IGrainFactory grains, IResourceDirectory directory, CancellationToken cancellationToken)
    {
        var id = await directory.FindIdByNameAsync(RepoKinds.Dataset, caller.Name, request.Dataset!, cancellationToken) ?? request.Dataset!;
        var repo = await RepoAccess.VisibleDataAsync(RepoKind.Dataset, id, caller, grains);
        var version = request.Version ?? (repo.LatestVersion > 0
            ? repo.LatestVersion
            : throw DomainException.Unprocessable("no-version", $"Dataset '{repo.Name}' has no version to use as a baseline yet."));
        await RepoAccess.VisibleVersionAsync(RepoKind.Dataset, repo.Id, version, caller, grains);
        return new MonitorBaseline(repo.Id, repo.Name, version, request.PredictionColumn, request.LabelColumn, request.File);
    }

    private static void Validate(CreateMonitorRequest request)
    {
        var modelType = request.ModelType ?? MonitorKinds.Classification;
        var metrics = modelType == MonitorKinds.Regression ? MonitorKinds.RegressionMetrics : MonitorKinds.ClassificationMetrics;
        var validator = new RequestValidator()
            .Text("name", request.Name, 200)
            .Text("deployment", request.Deployment, 200, required: true)
            .Text("cluster", request.Cluster, RequestValidator.MaxNameLength)
            .Check(modelType is MonitorKinds.Classification or MonitorKinds.Regression, "modelType", "must be classification or regression.")
            .Check(request.Baseline is not null, "baseline", "is required: {dataset, version?, predictionColumn?, labelColumn?, file?}.")
            .Text("baseline.dataset", request.Baseline?.Dataset, 200, required: request.Baseline is not null)
            .Range("baseline.version", request.Baseline?.Version, 1, int.MaxValue, required: false)
            .Text("baseline.predictionColumn", request.Baseline?.PredictionColumn, 200)
            .Text("baseline.labelColumn", request.Baseline?.LabelColumn, 200)
            .Text("baseline.file", request.Baseline?.File, 1000)
            .Range("drift.everyMinutes", request.Drift?.EveryMinutes, 0, MonitorSchedule.MaxMinutes, required: false)
            .Check(request.Drift?.Algorithm is null || MonitorKinds.Algorithms.Contains(request.Drift.Algorithm), "drift.algorithm", $"must be one of {string.Join(", ", MonitorKinds.Algorithms)}.")
            .Range("performance.everyMinutes", request.Performance?.EveryMinutes, 0, MonitorSchedule.MaxMinutes, required: false)
            .Check(request.Performance?.Metrics is null || request.Performance.Metrics.All(metrics.Contains), "performance.metrics", $"must be among {string.Join(", ", metrics)} for a {modelType} model.")
            .Range("health.everyMinutes", request.Health?.EveryMinutes, 0, MonitorSchedule.MaxMinutes, required: false)
            .Check(request.Features is null || request.Features.All(f => !string.IsNullOrEmpty(f.Name)), "features", "each needs a name.")
            .Check(request.Features is null || request.Features.All(f => f.Kind is null or "categorical" or "continuous"), "features", "kind must be categorical or continuous.")
            .Check(request.Thresholds is null || request.Thresholds.Values.All(t => t.Soft is { } s && t.Hard is { } h && double.IsFinite(s) && double.IsFinite(h)),
                "thresholds", "each needs finite numbers soft and hard.")
            .Check(request.Alerts is null || request.Alerts.Count <= MaxAlerts, "alerts", $"at most {MaxAlerts}.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (alert, i) in (request.Alerts ?? []).Select((a, i) => (a, i)))
        {
            var field = $"alerts[{i}]";
            validator
                .Text($"{field}.name", alert.Name, 200, required: true)
                .Check(alert.Name is null || names.Add(alert.Name), $"{field}.name", "is used by another alert of the monitor.")
                .Check(alert.On is not null && MonitorKinds.Components.Contains(alert.On), $"{field}.on", "must be drift, performance or health.")
                .Check(alert.Conditions is { Count: > 0 and <= MaxConditions }, $"{field}.conditions", $"1 to {MaxConditions} conditions are required.")
                .Range($"{field}.breaches", alert.Breaches, 1, 100, required: false)
                .Check(alert.Webhook is null || Uri.TryCreate(alert.Webhook, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && alert.Webhook.Length <= 2000,
                    $"{field}.webhook", "must be an absolute http or https URL.")
                .Text($"{field}.retrain.template", alert.Retrain?.Template, 200, required: alert.Retrain is not null);
            foreach (var (condition, j) in (alert.Conditions ?? []).Select((c, j) => (c, j)))
            {
                validator
                    .Check((condition.Feature is null) != (condition.Metric is null), $"{field}.conditions[{j}]", "names either a feature or a metric.")
                    .Check(condition.Op is ">" or "<" or ">=" or "<=", $"{field}.conditions[{j}].op", "must be >, <, >= or <=.")
                    .Check(condition.Value is { } v && double.IsFinite(v), $"{field}.conditions[{j}].value", "must be a finite number.");
            }
        }

        validator.ThrowIfInvalid();
    }
}
