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

    public static void MapDeploymentEndpoints(this RouteGroupBuilder api)
    {
        var deployments = api.MapGroup("/deployments").WithTags("Deployments").RequireCaller();
        deployments.MapPost("/", Create)
            .WithSummary("Deploy a model version (runtime sklearn or custom, optionally behind a `transformer`: `script` run in the checkout of `code` {repo, commit?}, listening on PORT, reaching its predictor at DKUBE_PREDICTOR_URL); its replicas start and it answers at `endpoint` (`/serve/{id}/...`). An `Idempotency-Key` header makes a retry reach the deployment the first attempt stored.");
        deployments.MapList(ResourceKinds.Deployment, "deployments");
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

    /// <summary>The view with its <c>endpoint</c> as the full URL this request reached the server at.</summary>
    public static DeploymentView Answer(DeploymentView view, HttpContext http) =>
        view with { Endpoint = $"{http.Request.Scheme}://{http.Request.Host}{DeploymentView.EndpointOf(view.Id)}" };

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
            ? new TransformerSpec(await TransformerCodeAsync(given.Code!, caller, grains, directory, code, http.RequestAborted), given.Script!, given.Image)
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

    /// <summary>The transformer's code repo (404 when the caller cannot see it) and its commit, fixed now as a run's is.</summary>
    private static async Task<CodeRef> TransformerCodeAsync(
        CodeRequest asked, Caller caller, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code, CancellationToken cancellationToken)
    {
        var probe = new WorkloadSpec("transformer", "transformer", "", null, new CodeRef(asked.Repo!, asked.Commit), null, "", [], null,
            new Dictionary<string, string>(), 0, false, null, null, [], TimeSpan.Zero, new Dictionary<string, string>());
        return (await RunReferences.ResolveAsync(probe, caller, grains, directory, code, cancellationToken)).Code!;
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
