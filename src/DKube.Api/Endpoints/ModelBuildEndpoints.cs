using System.Text.RegularExpressions;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>
/// Image builds of model versions: an OCI image of the version's files with its serving runtime,
/// pushed to the server's registry and added to the caller's image catalog. One build per version
/// and runtime; visible to whoever may see the model.
/// </summary>
public static partial class ModelBuildEndpoints
{
    public static void MapModelBuildEndpoints(this RouteGroupBuilder models)
    {
        models.MapPost("/{id}/versions/{version:int}/build", Build)
            .WithSummary("Build an OCI image of a model version with its serving runtime (sklearn), push it to the server's registry and add it to `/images` once pushed. "
                + "Answers 202 with the build (`status` Pending, Building, Pushed or Failed); the same request again answers the same build, a failed one is started again.");
        models.MapGet("/{id}/versions/{version:int}/build", Get)
            .WithSummary("The image build of a model version (`?runtime=`, default sklearn): status, image, digest once pushed, catalog image, reason and the end of the builder's log.");
    }

    private static async Task<Accepted<ModelBuildView>> Build(string id, int version, BuildModelRequest? request, HttpContext http, IGrainFactory grains)
    {
        request ??= new BuildModelRequest(null, null, null, null, null);
        var runtime = request.Runtime ?? ServingRuntime.Sklearn;
        new RequestValidator()
            .Check(runtime == ServingRuntime.Sklearn, "runtime", "must be sklearn: a custom command is not built into an image.")
            .Check(request.Registry is null || (request.Registry.Length <= 255 && Registry().IsMatch(request.Registry)), "registry", "must be a registry host such as 'registry.example.com:5000'.")
            .Check(request.Repository is null || (request.Repository.Length <= 255 && Repository().IsMatch(request.Repository)), "repository",
                "must be a lower-case repository path such as 'team/model'.")
            .Check(request.Tag is null || Tag().IsMatch(request.Tag), "tag", "must be letters, digits, '_', '.' and '-' (at most 128, not starting with '.' or '-').")
            .ImageReference("baseImage", request.BaseImage, required: false)
            .ThrowIfInvalid();
        var caller = http.Caller();
        var model = await RepoAccess.VisibleDataAsync(RepoKind.Model, id, caller, grains);
        await RepoAccess.VisibleVersionAsync(RepoKind.Model, id, version, caller, grains);
        var build = await grains.GetGrain<IModelBuildGrain>(ModelBuildRequest.IdOf(id, version, runtime)).Start(new ModelBuildRequest(
            id, model.Name, version, runtime, request.Registry, request.Repository, request.Tag, request.BaseImage, caller.Name, model.Group, model.Project));
        return TypedResults.Accepted($"{DKubeApi.BasePath}/models/{id}/versions/{version}/build?runtime={runtime}", build);
    }

    private static async Task<Ok<ModelBuildView>> Get(string id, int version, string? runtime, HttpContext http, IGrainFactory grains)
    {
        runtime ??= ServingRuntime.Sklearn;
        new RequestValidator().Check(runtime == ServingRuntime.Sklearn, "runtime", "must be sklearn.").ThrowIfInvalid();
        await RepoAccess.VisibleVersionAsync(RepoKind.Model, id, version, http.Caller(), grains);
        return TypedResults.Ok(await grains.GetGrain<IModelBuildGrain>(ModelBuildRequest.IdOf(id, version, runtime)).Get()
            ?? throw DomainException.NotFound($"A {runtime} build of version {version} of", id));
    }

    [GeneratedRegex("^[a-z0-9]+([.-][a-z0-9]+)*(:[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Registry();

    [GeneratedRegex("^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Repository();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();
}
