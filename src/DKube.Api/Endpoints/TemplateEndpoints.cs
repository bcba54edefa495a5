using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Run templates: a run's create body kept under a name, that new runs start from.</summary>
public static class TemplateEndpoints
{
    public static void MapTemplateEndpoints(this RouteGroupBuilder api)
    {
        var templates = api.MapGroup("/templates").WithTags("Templates").RequireCaller();
        templates.MapPost("/", Create).WithSummary("Keep a run body as a template (same fields as POST /runs).");
        templates.MapList(ResourceKinds.Template, "templates");
        templates.MapGet("/{id}", async (string id, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await VisibleAsync(id, http.Caller(), grains))).WithSummary("A template.");
    }

    public static async Task<TemplateView> VisibleAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = ResourceIds.IsWellFormed(id) ? await grains.GetGrain<ITemplateGrain>(id).Get() : null;
        if (view is null || !caller.CanSee(view.Owner, view.Group))
        {
            throw DomainException.NotFound("Template", id);
        }

        return view;
    }

    private static async Task<Created<TemplateView>> Create(CreateRunRequest request, HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        var spec = await WorkloadSpecBuilder.ForRunAsync(request with { Template = null, CloneFrom = null }, null, caller, grains);
        var view = await grains.GetGrain<ITemplateGrain>(ResourceIds.New("t")).Create(caller.Name, spec);
        return TypedResults.Created($"{DKubeApi.BasePath}/templates/{view.Id}", view);
    }
}
