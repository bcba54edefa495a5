using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Pipelines;
using DKube.Abstractions.Tenancy;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Problems;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Pipelines: compiled Kubeflow Pipelines v2 YAML, validated at upload, with versions.</summary>
public static class PipelineEndpoints
{
    public static void MapPipelineEndpoints(this RouteGroupBuilder api)
    {
        var pipelines = api.MapGroup("/pipelines").WithTags("Pipelines").RequireCaller();
        pipelines.MapPost("/", Create)
            .Accepts<string>(YamlBody.MediaTypes[0], YamlBody.MediaTypes[1..])
            .WithSummary("Upload a compiled KFP v2 pipeline (`?name=`, `group`, `description`); 422 saying what is wrong when it is not valid.");
        pipelines.MapList(ResourceKinds.Pipeline, "pipelines");
        pipelines.MapGet("/{id}", Get).WithSummary("Get a pipeline: its versions and the graph of the latest.");
        pipelines.MapPost("/{id}/versions", AddVersion)
            .Accepts<string>(YamlBody.MediaTypes[0], YamlBody.MediaTypes[1..])
            .WithSummary("Upload a new version of a pipeline (the owner or a member of its group).");
        pipelines.MapGet("/{id}/versions/{version}", GetVersion).WithSummary("Get a version: its YAML as uploaded and its graph.");
    }

    private static async Task<IResult> Create(HttpContext http, IGrainFactory grains, string? name, string? group, string? description)
    {
        if (!YamlBody.IsYaml(http.Request))
        {
            return UnsupportedMediaType();
        }

        var caller = http.Caller();
        new RequestValidator()
            .Name("name", name)
            .Name("group", group, required: false)
            .Text("description", description, 4096)
            .ThrowIfInvalid();
        var owningGroup = CallerGroups.Resolve(caller, group);
        var yaml = await YamlBody.ReadAsync(http, "the compiled pipeline YAML");
        var view = await grains.GetGrain<IPipelineGrain>(ResourceIds.New("pl")).Create(name!, caller.Name, owningGroup, description, yaml);
        return TypedResults.Created($"{DKubeApi.BasePath}/pipelines/{view.Id}", view);
    }

    private static async Task<Ok<PipelineView>> Get(string id, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await VisibleAsync(id, http.Caller(), grains));

    private static async Task<IResult> AddVersion(string id, HttpContext http, IGrainFactory grains)
    {
        if (!YamlBody.IsYaml(http.Request))
        {
            return UnsupportedMediaType();
        }

        await VisibleAsync(id, http.Caller(), grains);
        var yaml = await YamlBody.ReadAsync(http, "the compiled pipeline YAML");
        var view = await grains.GetGrain<IPipelineGrain>(id).AddVersion(yaml);
        return TypedResults.Created($"{DKubeApi.BasePath}/pipelines/{view.Id}/versions/{view.Versions[^1].Id}", view);
    }

    private static async Task<Ok<PipelineSource>> GetVersion(string id, string version, HttpContext http, IGrainFactory grains)
    {
        await VisibleAsync(id, http.Caller(), grains);
        return TypedResults.Ok(await grains.GetGrain<IPipelineGrain>(id).GetSource(version));
    }

    private static IResult UnsupportedMediaType() =>
        ProblemResults.Result(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Send the compiled pipeline as application/yaml.");

    /// <summary>The pipeline, or 404 when it does not exist or the caller may not see it.</summary>
    public static async Task<PipelineView> VisibleAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = ResourceIds.IsWellFormed(id) ? await grains.GetGrain<IPipelineGrain>(id).Get() : null;
        if (view is null || !caller.CanSee(view.Owner, view.Group))
        {
            throw DomainException.NotFound("Pipeline", id);
        }

        return view;
    }
}
