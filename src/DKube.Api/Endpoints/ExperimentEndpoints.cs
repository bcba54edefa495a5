using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Pipelines;
using DKube.Abstractions.Tenancy;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>
/// Experiments group pipeline runs. Group members and contributors see one; editors (and the
/// owner) archive and unarchive it; owners delete it (only once archived) and manage contributors.
/// </summary>
public static class ExperimentEndpoints
{
    public static void MapExperimentEndpoints(this RouteGroupBuilder api)
    {
        var experiments = api.MapGroup("/experiments").WithTags("Pipelines").RequireCaller();
        experiments.MapPost("/", Create).WithSummary("Create an experiment (`name`, `group`, `project`, `description`).");
        experiments.MapList(ResourceKinds.Experiment, "experiments");
        experiments.MapGet("/{id}", Get).WithSummary("Get an experiment, its status (Active or Archived) and contributors.");
        experiments.MapPost("/{id}/archive", (string id, HttpContext http, IGrainFactory grains) => Change(id, http, grains, ExperimentAccess.Editor, g => g.Archive()))
            .WithSummary("Archive an experiment (editors and owners).");
        experiments.MapPost("/{id}/unarchive", (string id, HttpContext http, IGrainFactory grains) => Change(id, http, grains, ExperimentAccess.Editor, g => g.Unarchive()))
            .WithSummary("Make an archived experiment active again (editors and owners).");
        experiments.MapDelete("/{id}", Delete).WithSummary("Delete an archived experiment (owners); 409 while it is active.");
        experiments.MapPut("/{id}/contributors/{user}", PutContributor).WithSummary("Give a user viewer, editor or owner access (owners).");
        experiments.MapDelete("/{id}/contributors/{user}", (string id, string user, HttpContext http, IGrainFactory grains) =>
                Change(id, http, grains, ExperimentAccess.Owner, g => g.SetContributor(user, null)))
            .WithSummary("Remove a contributor (owners).");
    }

    private static async Task<Created<ExperimentView>> Create(CreateExperimentRequest request, HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        new RequestValidator()
            .Name("name", request.Name)
            .Name("group", request.Group, required: false)
            .Text("description", request.Description, 4096)
            .ThrowIfInvalid();
        var (group, project) = await RepoAccess.PlaceAsync(caller, request.Group, request.Project, grains);
        var view = await grains.GetGrain<IExperimentGrain>(ResourceIds.New("ex")).Create(request.Name!, caller.Name, group, project, request.Description);
        return TypedResults.Created($"{DKubeApi.BasePath}/experiments/{view.Id}", view);
    }

    private static async Task<Ok<ExperimentView>> Get(string id, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await VisibleAsync(id, http.Caller(), grains));

    private static async Task<Ok<ExperimentView>> Change(string id, HttpContext http, IGrainFactory grains, ExperimentAccess needed, Func<IExperimentGrain, Task<ExperimentView>> change)
    {
        await RequireAsync(id, http.Caller(), grains, needed);
        return TypedResults.Ok(await change(grains.GetGrain<IExperimentGrain>(id)));
    }

    private static async Task<NoContent> Delete(string id, HttpContext http, IGrainFactory grains)
    {
        await RequireAsync(id, http.Caller(), grains, ExperimentAccess.Owner);
        await grains.GetGrain<IExperimentGrain>(id).Delete();
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ExperimentView>> PutContributor(string id, string user, ContributorRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory)
    {
        var access = request.Access?.ToLowerInvariant() switch
        {
            "viewer" => ExperimentAccess.Viewer,
            "editor" => ExperimentAccess.Editor,
            "owner" => ExperimentAccess.Owner,
            _ => (ExperimentAccess?)null,
        };
        new RequestValidator().Check(access is not null, "access", "must be viewer, editor or owner.").ThrowIfInvalid();
        await RequireAsync(id, http.Caller(), grains, ExperimentAccess.Owner);
        _ = await directory.FindCallerByNameAsync(user, http.RequestAborted) ?? throw DomainException.NotFound("User", user);
        return TypedResults.Ok(await grains.GetGrain<IExperimentGrain>(id).SetContributor(user, access));
    }

    /// <summary>
    /// The experiment, or 404 when it does not exist or the caller may not see it: owners, members
    /// of its group, contributors and operators see it.
    /// </summary>
    public static async Task<ExperimentView> VisibleAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = ResourceIds.IsWellFormed(id) ? await grains.GetGrain<IExperimentGrain>(id).Get() : null;
        if (view is null || !(caller.CanSee(view.Owner, view.Group) || view.AccessOf(caller.Name) is not null))
        {
            throw DomainException.NotFound("Experiment", id);
        }

        return view;
    }

    /// <summary>The experiment when the caller has at least <paramref name="needed"/> access (operators have all); 403 otherwise.</summary>
    public static async Task<ExperimentView> RequireAsync(string id, Caller caller, IGrainFactory grains, ExperimentAccess needed)
    {
        var view = await VisibleAsync(id, caller, grains);
        if (!caller.IsOperator && !(view.AccessOf(caller.Name) >= needed))
        {
            throw DomainException.Forbidden($"This needs {needed.ToString().ToLowerInvariant()} access to experiment '{id}'.");
        }

        return view;
    }
}
