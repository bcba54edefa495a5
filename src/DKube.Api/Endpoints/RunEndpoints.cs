using System.Text.Json;
using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Workloads;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Runs: training and preprocessing work that queues for its group's GPUs.</summary>
public static class RunEndpoints
{
    public static void MapRunEndpoints(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/runs").WithTags("Runs").RequireCaller();
        runs.MapPost("/", Create).WithSummary("Submit a run (also from `template` or by `cloneFrom`); it starts now or waits for GPUs; 422 if larger than the group's pool. An `Idempotency-Key` header makes a retry reach the run the first attempt stored.");
        runs.MapCommonEndpoints(WorkloadType.Run, ResourceKinds.Run);
        runs.MapGet("/{id}/metrics", Metrics).WithSummary("The metric records the run wrote to DKUBE_METRICS_FILE.");
    }

    private static async Task<Created<WorkloadView>> Create(
        CreateRunRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code,
        [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey)
    {
        var caller = http.Caller();
        WorkloadSpec? basis = null;
        if (request.Template is { } template)
        {
            basis = (await TemplateEndpoints.VisibleAsync(template, caller, grains)).Spec;
        }

        if (request.CloneFrom is { } source)
        {
            basis = (await Workloads.VisibleAsync(source, WorkloadType.Run, caller, grains)).Spec;
        }

        var spec = await RunReferences.ResolveAsync(
            await WorkloadSpecBuilder.ForRunAsync(request, basis, caller, grains), caller, grains, directory, code, http.RequestAborted);
        await Workloads.RequireSomeNodeFitsAsync(spec, grains);
        var view = await grains.GetGrain<IWorkloadGrain>(IdempotencyKey.IdFor(idempotencyKey, "r", caller.Name)).Create(WorkloadType.Run, spec, caller.Name, request.CloneFrom, request.Template);
        return TypedResults.Created($"{DKubeApi.BasePath}/runs/{view.Id}", view);
    }

    private static async Task<Ok<ItemsPage<JsonElement>>> Metrics(string id, HttpContext http, IGrainFactory grains)
    {
        await Workloads.VisibleAsync(id, WorkloadType.Run, http.Caller(), grains);
        var records = new List<JsonElement>();
        foreach (var line in await grains.GetGrain<IWorkloadGrain>(id).ReadMetrics())
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    records.Add(document.RootElement.Clone());
                }
            }
            catch (JsonException)
            {
                // A line the run wrote badly is its own business: skip it rather than fail the read.
            }
        }

        return TypedResults.Ok(new ItemsPage<JsonElement>(records, null));
    }
}
