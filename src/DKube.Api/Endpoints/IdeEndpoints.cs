using DKube.Abstractions.Common;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Workloads;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Ides;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>IDEs: long-lived JupyterLab or RStudio servers that queue for GPUs like runs.</summary>
public static class IdeEndpoints
{
    public static void MapIdeEndpoints(this RouteGroupBuilder api)
    {
        var ides = api.MapGroup("/ides").WithTags("IDEs").RequireCaller();
        ides.MapPost("/", Create).WithSummary("Open an IDE (jupyterlab or rstudio; also by `cloneFrom`). An `Idempotency-Key` header makes a retry reach the IDE the first attempt stored.");
        ides.MapCommonEndpoints(WorkloadType.Ide, ResourceKinds.Ide);
        ides.MapPost("/{id}/start", async (string id, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await (await Workloads.OwnedAsync(id, WorkloadType.Ide, http.Caller(), grains)).Start()))
            .WithSummary("Start a stopped IDE again; it queues for GPUs like a new one.");
        ides.MapIdeOpen();
        ides.MapTensorBoard(WorkloadType.Ide);
    }

    private static async Task<Created<WorkloadView>> Create(
        CreateIdeRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code,
        [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey)
    {
        var caller = http.Caller();
        var basis = request.CloneFrom is { } source ? (await Workloads.VisibleAsync(source, WorkloadType.Ide, caller, grains)).Spec : null;
        // An IDE always works on the latest commit: it is resolved again at every start.
        var spec = await RunReferences.ResolveAsync(
            await WorkloadSpecBuilder.ForIdeAsync(request, basis, caller, grains), caller, grains, directory, code, http.RequestAborted);
        await Workloads.RequireSomeNodeFitsAsync(spec, grains);
        var view = await grains.GetGrain<IWorkloadGrain>(IdempotencyKey.IdFor(idempotencyKey, "i", caller.Name)).Create(WorkloadType.Ide, spec, caller.Name, request.CloneFrom, null);
        return TypedResults.Created($"{DKubeApi.BasePath}/ides/{view.Id}", view);
    }
}
