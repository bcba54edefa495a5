using System.Text.Json;
using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Studies;
using DKube.Abstractions.Workloads;
using DKube.Api.Auth;
using DKube.Api.Ides;
using DKube.Api.Contracts;
using DKube.Api.Problems;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace DKube.Api.Endpoints;

/// <summary>Runs: training and preprocessing work that queues for its group's GPUs.</summary>
public static class RunEndpoints
{
    public static void MapRunEndpoints(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/runs").WithTags("Runs").RequireCaller();
        runs.MapPost("/", Create).WithSummary("Submit a run (also from `template` or by `cloneFrom`); it starts now or waits for GPUs; 422 if larger than the group's pool. With `tuning` (Katib Experiment YAML as text) the run is a hyperparameter study of trial runs: 201 with the study (see GET /runs/{id}/study). An `Idempotency-Key` header makes a retry reach the run the first attempt stored.");
        runs.MapCommonEndpoints(WorkloadType.Run, ResourceKinds.Run);
        runs.MapTensorBoard(WorkloadType.Run);
        api.MapPost("/runs:batch", Batch).WithTags("Runs").RequireCaller()
            .WithSummary($"Submit up to {BatchRunsRequest.MaxRuns} runs (`runs`: create bodies as for POST /runs) for studies and pipelines; each is answered on its own, in order: status 201 with the run, or the status and problem POST /runs would answer. With `Idempotency-Key`, spec i uses the key `<key>/<i>`, so a retried batch reaches the runs the first attempt stored.");
        runs.MapGet("/{id}/metrics", Metrics).WithSummary("The metric records the run wrote to DKUBE_METRICS_FILE.");
    }

    private static async Task<Results<Created<WorkloadView>, Created<StudyView>>> Create(
        CreateRunRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code,
        [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey)
    {
        var id = IdempotencyKey.IdFor(idempotencyKey, "r", http.Caller().Name);
        if (request.Tuning is { } tuning)
        {
            // A study: the run's spec is every trial's template; without a command of its own, the
            // trial template's container command (placeholders kept until each trial substitutes them).
            var study = StudySpecs.Parse(tuning);
            if (request.Command is null && request.Template is null && request.CloneFrom is null && study.Command is not null)
            {
                request = request with { Command = study.CommandFor(null, new Dictionary<string, string>()) };
            }

            var created = await StudyEndpoints.SubmitAsync(tuning, await ResolveAsync(request, http, grains, directory, code), http.Caller(), grains, id);
            return TypedResults.Created($"{DKubeApi.BasePath}/runs/{created.Id}/study", created);
        }

        var view = await SubmitAsync(request, http, grains, directory, code, id);
        return TypedResults.Created($"{DKubeApi.BasePath}/runs/{view.Id}", view);
    }

    private static async Task<Ok<BatchRunsAnswer>> Batch(
        BatchRunsRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code,
        ILogger<BatchRunsRequest> logger, [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey)
    {
        var specs = request.Runs ?? [];
        new RequestValidator()
            .Check(specs.Count is > 0 and <= BatchRunsRequest.MaxRuns, "runs", $"must hold 1 to {BatchRunsRequest.MaxRuns} run specs.")
            .Check(specs.All(s => s is not null), "runs", "must not hold null.")
            .ThrowIfInvalid();
        var caller = http.Caller().Name;
        // Checked once for the batch, so a bad key is one 400 rather than a thousand.
        IdempotencyKey.IdFor(idempotencyKey, "r", caller);
        var results = new BatchItemResult[specs.Count];
        // Submitted side by side: their state writes share the storage's group commits, which is
        // where a batch gets its rate. The window is bounded because each spec's grain calls must
        // answer within the call timeout on a loaded silo: all 1,000 at once on a starved 2-core
        // machine (load average 60) answered 872 specs of 3,000 with errors.
        await Parallel.ForEachAsync(Enumerable.Range(0, specs.Count), new ParallelOptions { MaxDegreeOfParallelism = BatchParallelism }, async (i, _) =>
        {
            try
            {
                var id = IdempotencyKey.IdFor(idempotencyKey is null ? null : $"{idempotencyKey}/{i}", "r", caller);
                results[i] = new BatchItemResult(i, StatusCodes.Status201Created, await SubmitAsync(specs[i], http, grains, directory, code, id), null);
            }
            catch (Exception e)
            {
                var problem = ExceptionProblemMapper.ProblemFor(e, http, logger);
                results[i] = new BatchItemResult(i, problem.Status ?? StatusCodes.Status500InternalServerError, null, problem);
            }
        });
        return TypedResults.Ok(new BatchRunsAnswer(results));
    }

    /// <summary>How many specs of one batch are in flight at once.</summary>
    private const int BatchParallelism = 128;

    /// <summary>One run submission as POST /runs makes it: template or clone, references resolved, then the workload grain.</summary>
    private static async Task<WorkloadView> SubmitAsync(
        CreateRunRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code, string id)
    {
        if (request.Tuning is not null)
        {
            throw DomainException.Validation("tuning", "a study is submitted with POST /runs, not in a batch.");
        }

        var spec = await ResolveAsync(request, http, grains, directory, code);
        return await grains.GetGrain<IWorkloadGrain>(id).Create(WorkloadType.Run, spec, http.Caller().Name, request.CloneFrom, request.Template);
    }

    /// <summary>The spec a run made from <paramref name="template"/> alone gets for the caller now (what a monitor's retraining runs).</summary>
    public static Task<WorkloadSpec> FromTemplateAsync(string template, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code) =>
        ResolveAsync(new CreateRunRequest(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, template), http, grains, directory, code);

    /// <summary>A run's spec as POST /runs resolves it: template or clone, references, and the "some node fits" check.</summary>
    private static async Task<WorkloadSpec> ResolveAsync(
        CreateRunRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code)
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
        return spec;
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
