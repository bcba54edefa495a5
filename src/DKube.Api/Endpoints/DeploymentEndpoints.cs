using DKube.Abstractions.Clusters;
using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Model deployments: an inference endpoint per deployment, served through the gateway at <c>/serve/{id}</c>.</summary>
public static class DeploymentEndpoints
{
    /// <summary>maxReplicas when none is given: room to scale under load without flooding the pool.</summary>
    public const int DefaultMaxReplicas = 5;

    private const int MaxCommandLength = 4096;

    /// <summary>Steps one metrics answer may hold.</summary>
    private const int MaxMetricSteps = 10_000;

    /// <summary>The serving runtime of an imported deployment: it runs elsewhere, nothing runs here.</summary>
    public const string ExternalRuntime = "external";

    /// <summary>The parent kind of a deployment's replicas (WorkloadView.Parent).</summary>
    private const string ReplicaParentKind = "deployment";

    /// <summary>The model of an imported deployment registered without one.</summary>
    private static readonly DeploymentModel NoModel = new("", "", 0);

    public static void MapDeploymentEndpoints(this RouteGroupBuilder api)
    {
        var deployments = api.MapGroup("/deployments").WithTags("Deployments").RequireCaller();
        deployments.MapPost("/", Create)
            .WithSummary("Deploy a model version (runtime sklearn or custom, optionally behind a `transformer`: `script` run in the checkout of `code` {repo, commit?}, listening on PORT, reaching its predictor at DKUBE_PREDICTOR_URL); its replicas start and it answers at `endpoint` (`/serve/{id}/...`). An `Idempotency-Key` header makes a retry reach the deployment the first attempt stored.");
        deployments.MapList(ResourceKinds.Deployment, "deployments");
        deployments.MapPost("/import", Import)
            .WithSummary("Register a deployment served elsewhere (`{name, url, cluster?, model?}`): status Imported, no replicas here; its predictions are posted to `/deployments/{id}/predictions` so that monitors can watch it. An `Idempotency-Key` header makes a retry reach the first one.");
        deployments.MapPost("/{id}/predictions", PostPredictions)
            .Accepts<string>("application/x-ndjson")
            .WithSummary("Predictions of an imported deployment, as JSON lines `{requestId, at, inputs, outputs, status?, latencyMs?}` (a status or latency not given is unknown: its monitors' error rates and latency percentiles leave the record out): stored durably before the answer, all or nothing (400 `invalid-predictions` names each bad line); a request id already logged is kept as it was (a retried body stores nothing twice). 409 `not-imported` for a deployment served here, whose gateway logs its predictions.");
        deployments.MapGet("/{id}/metrics", Metrics)
            .WithSummary("Requests, 4xx, 5xx (among the `withStatus` requests whose status is known) and latency percentiles (p50/p95/p99, ms, over the `withLatency` whose latency is known) per `step` seconds over `[from, to)` (default: the last hour by minute; empty steps omitted), from the prediction log; and the replica counts (desired, ready) each time they changed.");
        deployments.MapGet("/{id}/logs", Logs)
            .WithSummary("The replicas' logs as text, each line after `[replica id] `; `replica={id}` gives one replica's log (a past one too), and with `follow=true` streams it until the replica ends.")
            .Produces<string>(contentType: "text/plain");
        deployments.MapGet("/{id}", async (string id, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(Answer(await VisibleAsync(id, http.Caller(), grains), http)))
            .WithSummary("A deployment with its status, model version, replicas (desired, ready) and history of model changes.");
        deployments.MapPatch("/{id}", Update)
            .WithSummary("Change the model version behind the endpoint (new replicas start, traffic moves once they are ready, the old ones drain: no request fails) and/or minReplicas, maxReplicas, maxConcurrentRequests.");
        deployments.MapPost("/{id}/stop", async (string id, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(Answer(await (await OwnedAsync(id, http.Caller(), grains)).Stop(), http)))
            .WithSummary("Stop every replica; the deployment stays (Stopped) until started again.");
        deployments.MapPost("/{id}/start", async (string id, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(Answer(await (await OwnedAsync(id, http.Caller(), grains)).Start(), http)))
            .WithSummary("Start a stopped deployment (or one in Error) again.");
        deployments.MapDelete("/{id}", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            await (await OwnedAsync(id, http.Caller(), grains)).Delete();
            return TypedResults.NoContent();
        }).WithSummary("Stop every replica and forget the deployment.");
    }

    /// <summary>A cluster named by a request must be registered (404 otherwise); none named is fine.</summary>
    public static async Task RequireClusterAsync(string? cluster, IGrainFactory grains)
    {
        if (cluster is not null && !(await grains.GetGrain<IClusterRegistryGrain>(IClusterRegistryGrain.Key).List()).Contains(cluster))
        {
            throw DomainException.NotFound("Cluster", cluster);
        }
    }

    /// <summary>The deployment, or 404 when missing or not visible to <paramref name="caller"/>.</summary>
    public static async Task<DeploymentView> VisibleAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = ResourceIds.IsWellFormed(id) ? await grains.GetGrain<IDeploymentGrain>(id).Get() : null;
        return view is not null && caller.CanSee(view.Owner, view.Group) ? view : throw DomainException.NotFound("Deployment", id);
    }

    /// <summary>Like <see cref="VisibleAsync"/>, and only its owner (or an operator) may change it (<see cref="WriteRule"/>).</summary>
    public static async Task<IDeploymentGrain> OwnedAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = await VisibleAsync(id, caller, grains);
        caller.RequireOwner(view.Owner, "deployment", id);
        return grains.GetGrain<IDeploymentGrain>(id);
    }

    /// <summary>The view with its <c>endpoint</c> as the full URL this request reached the server at (an imported one's: where it is served).</summary>
    public static DeploymentView Answer(DeploymentView view, HttpContext http) =>
        view with { Endpoint = view is { Status: DeploymentStatus.Imported, ImportedUrl: { } url } ? url : $"{http.Request.Scheme}://{http.Request.Host}{DeploymentView.EndpointOf(view.Id)}" };

    private static async Task<Created<DeploymentView>> Create(
        CreateDeploymentRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code,
        [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey)
    {
        var caller = http.Caller();
        var runtime = request.Serving?.Runtime ?? ServingRuntime.Sklearn;
        var validator = new RequestValidator()
            .Name("name", request.Name)
            .Check(request.Model is not null, "model", "is required: {name, version?}.")
            .Text("model.name", request.Model?.Name, 200, required: request.Model is not null)
            .Range("model.version", request.Model?.Version, 1, int.MaxValue, required: false)
            .Check(runtime is ServingRuntime.Sklearn or ServingRuntime.Custom, "serving.runtime", "must be sklearn or custom.")
            .Check(runtime != ServingRuntime.Custom || !string.IsNullOrWhiteSpace(request.Serving?.Command), "serving.command", "is required for the custom runtime.")
            .Text("serving.command", request.Serving?.Command, MaxCommandLength)
            .Text("serving.image", request.Serving?.Image, 500)
            .Range("serving.port", request.Serving?.Port, 1, 65535, required: false)
            .Check(request.Serving?.Prefix is null || PrefixOf(request.Serving.Prefix) is not null, "serving.prefix", "must be a path such as /api (letters, digits, '-', '_', '.', '/').")
            .Text("description", request.Description, 2000)
            .Range("gpus", request.Gpus, 0, 64, required: false)
            .Check(request.Cpu?.Min is null or (> 0 and <= 1024) && request.Cpu?.Max is null or (> 0 and <= 1024), "cpu", "min and max must be between 0 and 1024 cores.")
            .Check(request.MemoryGiB?.Min is null or (> 0 and <= 4096) && request.MemoryGiB?.Max is null or (> 0 and <= 4096), "memoryGiB", "min and max must be between 0 and 4096 GiB.");
        if (request.Transformer is { } asked)
        {
            validator
                .Check(asked.Code is not null, "transformer.code", "is required: {repo, commit?}.")
                .Text("transformer.code.repo", asked.Code?.Repo, 64, required: asked.Code is not null)
                .Commit("transformer.code.commit", asked.Code?.Commit)
                .Text("transformer.script", asked.Script, MaxCommandLength, required: true)
                .Text("transformer.image", asked.Image, 500);
        }

        ValidateScale(validator, request.MinReplicas, request.MaxReplicas, request.MaxConcurrentRequests);
        var min = request.MinReplicas ?? 1;
        var max = request.MaxReplicas ?? Math.Max(min, DefaultMaxReplicas);
        validator.Check(min <= max, "minReplicas", $"must not exceed maxReplicas ({max}).");
        validator.ThrowIfInvalid();
        var (group, project) = await RepoAccess.PlaceAsync(caller, request.Group, request.Project, grains);
        var model = await ResolveModelAsync(request.Model!, caller, grains, directory, http.RequestAborted);
        var transformer = request.Transformer is { } given
            ? new TransformerSpec(
                await RunReferences.ResolveCodeAsync(new CodeRef(given.Code!.Repo!, given.Code.Commit), caller, grains, directory, code, http.RequestAborted),
                given.Script!, given.Image)
            : null;
        var spec = new DeploymentSpec(
            request.Name!, group, project, request.Description, model,
            new ServingRuntime(runtime, request.Serving?.Command, request.Serving?.Image, request.Serving?.Port, PrefixOf(request.Serving?.Prefix) ?? ""),
            request.Gpus ?? 0, request.Cpu?.Min ?? request.Cpu?.Max, (request.MemoryGiB?.Min ?? request.MemoryGiB?.Max) is { } memory ? (int)Math.Ceiling(memory) : null,
            min, max, request.MaxConcurrentRequests ?? DeploymentSpec.DefaultMaxConcurrentRequests, request.Cluster, request.LogPredictions ?? true,
            request.Production ?? false, transformer);
        var view = await grains.GetGrain<IDeploymentGrain>(IdempotencyKey.IdFor(idempotencyKey, "d", caller.Name)).Create(spec, caller.Name);
        return TypedResults.Created($"{DKubeApi.BasePath}/deployments/{view.Id}", Answer(view, http));
    }

    private static async Task<Created<DeploymentView>> Import(
        ImportDeploymentRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory,
        [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey)
    {
        var caller = http.Caller();
        Uri? url = null;
        new RequestValidator()
            .Name("name", request.Name)
            .Check(request.Url is { Length: <= 2000 } && Uri.TryCreate(request.Url, UriKind.Absolute, out url) && url.Scheme is "http" or "https",
                "url", "is required: the absolute http(s) URL the deployment is served at.")
            .Text("cluster", request.Cluster, RequestValidator.MaxNameLength)
            .Text("model.name", request.Model?.Name, 200, required: request.Model is not null)
            .Range("model.version", request.Model?.Version, 1, int.MaxValue, required: false)
            .Text("description", request.Description, 2000)
            .ThrowIfInvalid();
        await RequireClusterAsync(request.Cluster, grains);

        var (group, project) = await RepoAccess.PlaceAsync(caller, request.Group, request.Project, grains);
        var model = request.Model is { } asked ? await ResolveModelAsync(asked, caller, grains, directory, http.RequestAborted) : NoModel;
        // Nothing runs here: no runtime command, no replicas; the cluster names where its monitors compute.
        var spec = new DeploymentSpec(request.Name!, group, project, request.Description, model, new ServingRuntime(ExternalRuntime, null, null, null, ""),
            0, null, null, 0, 0, DeploymentSpec.DefaultMaxConcurrentRequests, request.Cluster, LogPredictions: true, Production: false);
        var view = await grains.GetGrain<IDeploymentGrain>(IdempotencyKey.IdFor(idempotencyKey, "d", caller.Name)).Import(spec, url!.ToString(), caller.Name);
        return TypedResults.Created($"{DKubeApi.BasePath}/deployments/{view.Id}", Answer(view, http));
    }

    private static async Task<Ok<PredictionsReceived>> PostPredictions(string id, HttpContext http, IGrainFactory grains, IPredictionLog log)
    {
        var caller = http.Caller();
        var view = await VisibleAsync(id, caller, grains);
        caller.RequireOwner(view.Owner, "deployment", id);
        if (view.Status != DeploymentStatus.Imported)
        {
            // A deployment served here has one source of truth for its predictions: the gateway,
            // whose request ids the callers got. Posted lines would mix with them unseen.
            throw DomainException.Conflict("not-imported", $"Deployment '{id}' is served here; its gateway logs its predictions. Only imported deployments take posted predictions.");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = PredictionLines.MaxBodyBytes;
        }

        var records = await PredictionLines.ReadAsync(http.Request.Body, id, http.RequestAborted);
        await log.AppendAsync(records, http.RequestAborted);
        return TypedResults.Ok(new PredictionsReceived(records.Count));
    }

    private static async Task<Ok<DeploymentMetricsView>> Metrics(
        string id, DateTimeOffset? from, DateTimeOffset? to, int? step, HttpContext http, IGrainFactory grains, IPredictionLog log, TimeProvider time)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end - TimeSpan.FromHours(1);
        var seconds = step ?? 60;
        new RequestValidator()
            .Range("step", seconds, 1, 86_400)
            .Check(start < end, "from", "must be before to.")
            .Check(seconds <= 0 || (end - start).TotalSeconds / seconds <= MaxMetricSteps, "step", $"makes more than {MaxMetricSteps} steps over [from, to): take a larger step or a shorter range.")
            .ThrowIfInvalid();
        await VisibleAsync(id, http.Caller(), grains);
        var requests = await log.StatsAsync(id, start, end, TimeSpan.FromSeconds(seconds), http.RequestAborted);
        var history = await grains.GetGrain<IDeploymentGrain>(id).GetReplicaHistory();
        // The counts in force at `from` (the last change before it), then every change in the range.
        var before = history.LastOrDefault(s => s.At < start);
        var replicas = history.Where(s => s.At >= start && s.At < end).ToList();
        if (before is not null)
        {
            replicas.Insert(0, before with { At = start });
        }

        return TypedResults.Ok(new DeploymentMetricsView(start, end, seconds, requests, replicas));
    }

    private static async Task Logs(string id, string? replica, bool? follow, HttpContext http, IGrainFactory grains)
    {
        var view = await VisibleAsync(id, http.Caller(), grains);
        if (replica is null && follow == true)
        {
            throw DomainException.Validation("follow", "follows one replica's log: name it with replica={id}.");
        }

        var replicas = view.ReplicaList.Select(r => r.WorkloadId).ToList();
        if (replica is not null)
        {
            // Any replica this deployment made, the ones it replaced or drained included.
            var workload = ResourceIds.IsWellFormed(replica) ? await grains.GetGrain<IWorkloadGrain>(replica).Get() : null;
            if (workload?.Parent is not { Kind: ReplicaParentKind } parent || parent.Id != id)
            {
                throw DomainException.NotFound("Replica", replica);
            }

            replicas = [replica];
        }

        http.Response.ContentType = "text/plain; charset=utf-8";
        foreach (var workload in replicas)
        {
            await Workloads.CopyLogAsync(grains.GetGrain<IWorkloadGrain>(workload), follow ?? false, http, replica is null ? $"[{workload}] " : "");
        }
    }

    private static async Task<Ok<DeploymentView>> Update(
        string id, UpdateDeploymentRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory)
    {
        var caller = http.Caller();
        var validator = new RequestValidator()
            .Text("model.name", request.Model?.Name, 200, required: request.Model is not null)
            .Range("model.version", request.Model?.Version, 1, int.MaxValue, required: false);
        ValidateScale(validator, request.MinReplicas, request.MaxReplicas, request.MaxConcurrentRequests);
        validator.Check(request is not { MinReplicas: { } min, MaxReplicas: { } max } || min <= max, "minReplicas", "must not exceed maxReplicas.");
        validator.ThrowIfInvalid();
        var deployment = await OwnedAsync(id, caller, grains);
        var model = request.Model is { } asked ? await ResolveModelAsync(asked, caller, grains, directory, http.RequestAborted) : null;
        return TypedResults.Ok(Answer(await deployment.Update(new DeploymentChange(model, request.MinReplicas, request.MaxReplicas, request.MaxConcurrentRequests)), http));
    }

    private static void ValidateScale(RequestValidator validator, int? min, int? max, int? maxConcurrent) => validator
        .Range("minReplicas", min, 0, DeploymentSpec.ReplicaLimit, required: false)
        .Range("maxReplicas", max, 1, DeploymentSpec.ReplicaLimit, required: false)
        .Range("maxConcurrentRequests", maxConcurrent, 1, 10_000, required: false);

    /// <summary>The model repository (a name of the caller's or an id) and version, pinned: 404 when either is missing or not visible, 422 when it has no version.</summary>
    private static async Task<DeploymentModel> ResolveModelAsync(
        DeploymentModelRequest request, Caller caller, IGrainFactory grains, IResourceDirectory directory, CancellationToken cancellationToken)
    {
        var id = await directory.FindIdByNameAsync(RepoKinds.Model, caller.Name, request.Name!, cancellationToken) ?? request.Name!;
        var repo = await RepoAccess.VisibleDataAsync(RepoKind.Model, id, caller, grains);
        if (request.Version is { } version)
        {
            await RepoAccess.VisibleVersionAsync(RepoKind.Model, repo.Id, version, caller, grains);
            return new DeploymentModel(repo.Name, repo.Id, version);
        }

        return repo.LatestVersion > 0
            ? new DeploymentModel(repo.Name, repo.Id, repo.LatestVersion)
            : throw DomainException.Unprocessable("no-version", $"Model '{repo.Name}' has no version to deploy yet.");
    }

    /// <summary>A path prefix without its trailing '/' ("" for none), or null when it is not a plain path.</summary>
    private static string? PrefixOf(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix) || prefix == "/")
        {
            return "";
        }

        var trimmed = prefix.TrimEnd('/');
        return trimmed.StartsWith('/') && trimmed.Length <= 200 && !trimmed.Contains("//", StringComparison.Ordinal) && !trimmed.Contains("..", StringComparison.Ordinal)
            && trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')
            ? trimmed
            : null;
    }
}
