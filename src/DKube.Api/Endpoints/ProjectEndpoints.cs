using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Projects: bound to a group, visible to its members.</summary>
public static class ProjectEndpoints
{
    public static void MapProjectEndpoints(this RouteGroupBuilder api)
    {
        var projects = api.MapGroup("/projects").WithTags("Projects").RequireCaller();
        projects.MapPost("/", Create).WithSummary("Create a project in one of the caller's groups (default: the first).");
        projects.MapGet("/", (HttpContext http, IResourceDirectory directory, int? limit, string? cursor, string? scope) =>
            Listings.PageAsync(ResourceKinds.Project, http.Caller(), http, directory, limit, cursor, scope, project: null)).WithSummary("List visible projects (`scope`, `limit`, `cursor`).");
        projects.MapGet("/{id}", Get).WithSummary("Get a project.");
        projects.MapPatch("/{id}", Update).WithSummary("Change a project's description or leaderboard switch.");
    }

    private static async Task<Created<ProjectView>> Create(CreateProjectRequest request, HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        new RequestValidator()
            .Name("name", request.Name)
            .Name("group", request.Group, required: false)
            .Text("description", request.Description, 4096)
            .ThrowIfInvalid();
        var group = CallerGroups.Resolve(caller, request.Group);
        var view = await grains.GetGrain<IProjectGrain>(ResourceIds.New("p")).Create(
            request.Name!, caller.Name, group, request.Description, request.Leaderboard ?? false);
        return TypedResults.Created($"{DKubeApi.BasePath}/projects/{view.Id}", view);
    }

    private static async Task<Ok<ProjectView>> Get(string id, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await VisibleAsync(id, http.Caller(), grains));

    private static async Task<Ok<ProjectView>> Update(string id, UpdateProjectRequest request, HttpContext http, IGrainFactory grains)
    {
        new RequestValidator().Text("description", request.Description, 4096).ThrowIfInvalid();
        var caller = http.Caller();
        caller.RequireOwner((await VisibleAsync(id, caller, grains)).Owner, "project", id);
        return TypedResults.Ok(await grains.GetGrain<IProjectGrain>(id).Update(new ProjectChange(request.Description, request.Leaderboard)));
    }

    /// <summary>The project, or 404 when it does not exist or the caller may not see it.</summary>
    public static async Task<ProjectView> VisibleAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = ResourceIds.IsWellFormed(id) ? await grains.GetGrain<IProjectGrain>(id).Get() : null;
        if (view is null || !caller.CanSee(view.Owner, view.Group))
        {
            throw DomainException.NotFound("Project", id);
        }

        return view;
    }
}
