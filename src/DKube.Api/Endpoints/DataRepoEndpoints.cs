using DKube.Abstractions.Common;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Tenancy;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Datasets, featuresets and models: one set of endpoints per kind, over the same repository grain.</summary>
public static class DataRepoEndpoints
{
    public static RouteGroupBuilder MapDataRepoEndpoints(this RouteGroupBuilder api, string path, RepoKind kind)
    {
        var repos = api.MapGroup(path).WithTags(kind.ToString()).RequireCaller();
        repos.MapPost("/", (CreateDataRepoRequest request, HttpContext http, IGrainFactory grains) => Create(kind, request, http, grains))
            .WithSummary($"Create a {kind} (versioned and empty, or pointing at an external folder or URL).");
        repos.MapGet("/", (HttpContext http, IResourceDirectory directory, int? limit, string? cursor, string? scope, string? project) =>
            List(kind, http, directory, limit, cursor, scope, project)).WithSummary($"List visible {kind} repositories (`scope`, `project`, `limit`, `cursor`).");
        repos.MapGet("/{id}", async (string id, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await RepoAccess.VisibleDataAsync(kind, id, http.Caller(), grains))).WithSummary($"Get a {kind}.");
        repos.MapPatch("/{id}", (string id, UpdateDataRepoRequest request, HttpContext http, IGrainFactory grains) => Update(kind, id, request, http, grains))
            .WithSummary($"Change a {kind}'s description, tags or project (a featureset also its `featureSpec` YAML).");
        repos.MapDelete("/{id}", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            await RepoAccess.WritableDataAsync(kind, id, http.Caller(), grains);
            await grains.GetGrain<IDataRepoGrain>(id).Delete();
            return TypedResults.NoContent();
        }).WithSummary($"Delete a {kind} (its stored content stays until collected).");
        repos.MapVersionEndpoints(kind);
        return repos;
    }

    private static async Task<Created<DataRepoView>> Create(RepoKind kind, CreateDataRepoRequest request, HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        var versioned = request.Versioned ?? true;
        var validator = new RequestValidator()
            .Name("name", request.Name)
            .Name("group", request.Group, required: false)
            .Text("description", request.Description, 4096)
            .Tags("tags", request.Tags)
            .Location("location", request.Location)
            .Check(versioned || request.Location is not null, "location", "is required for a repository that is not versioned.")
            .Check(!versioned || request.Location is null, "location", "is only for repositories that are not versioned.")
            .Check(kind == RepoKind.FeatureSet || request.FeatureSpec is null, "featureSpec", "is only for featuresets.")
            .Text("featureSpec", request.FeatureSpec, 512 * 1024);
        validator.ThrowIfInvalid();
        var features = request.FeatureSpec is { } yaml ? FeatureSpecParser.Parse(yaml) : null;
        var (group, project) = await RepoAccess.PlaceAsync(caller, request.Group, request.Project, grains);
        var view = await grains.GetGrain<IDataRepoGrain>(ResourceIds.New(RepoKinds.PrefixOf(kind))).Create(new DataRepoSpec(
            kind, request.Name!, caller.Name, group, project, request.Description, versioned, request.Location, request.Tags ?? [], features));
        return TypedResults.Created($"{DKubeApi.BasePath}/{RepoKinds.Of(kind)}s/{view.Id}", view);
    }

    private static async Task<Ok<ItemsPage<RawJson>>> List(
        RepoKind kind, HttpContext http, IResourceDirectory directory, int? limit, string? cursor, string? scope, string? project)
    {
        var caller = http.Caller();

        // Featuresets are shared with every user: list them as the operator would see them.
        var lister = kind == RepoKind.FeatureSet && !caller.IsOperator ? caller with { Roles = [.. caller.Roles, Roles.Operator] } : caller;
        return await Listings.PageAsync(RepoKinds.Of(kind), lister, http, directory, limit, cursor, scope, project);
    }

    private static async Task<Ok<DataRepoView>> Update(RepoKind kind, string id, UpdateDataRepoRequest request, HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        new RequestValidator()
            .Text("description", request.Description, 4096)
            .Tags("tags", request.Tags)
            .Check(kind == RepoKind.FeatureSet || request.FeatureSpec is null, "featureSpec", "is only for featuresets.")
            .ThrowIfInvalid();
        var features = request.FeatureSpec is { } yaml ? FeatureSpecParser.Parse(yaml) : null;
        await RepoAccess.WritableDataAsync(kind, id, caller, grains);
        var project = await RepoAccess.MoveTargetAsync(caller, request.Project, grains);
        return TypedResults.Ok(await grains.GetGrain<IDataRepoGrain>(id).Update(new DataRepoChange(request.Description, project, request.Tags, features)));
    }
}
