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
        void Fail(int i, Exception e)
        {
            var problem = ExceptionProblemMapper.ProblemFor(e, http, logger);
            results[i] = new BatchItemResult(i, problem.Status ?? StatusCodes.Status500InternalServerError, null, problem);
        }

        // 1. Each spec resolved as POST /runs resolves it, the look-ups the specs share asked once;
        // a spec that fails is answered on its own.
        var shared = new BatchLookups();
        var submissions = new RunSubmission?[specs.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, specs.Count), new ParallelOptions { MaxDegreeOfParallelism = BatchParallelism }, async (i, _) =>
        {
            try
            {
                var id = IdempotencyKey.IdFor(idempotencyKey is null ? null : $"{idempotencyKey}/{i}", "r", caller);
                var spec = await ResolveAsync(RequireNoTuning(specs[i]), http, grains, directory, code, shared);
                submissions[i] = new RunSubmission(id, spec, caller, specs[i].CloneFrom, specs[i].Template);
            }
            catch (Exception e)
            {
                Fail(i, e);
            }
        });

        // 2. The resolved ones accepted set-wise: stored in one group commit, one submission per pool.
        var resolved = Enumerable.Range(0, specs.Count).Where(i => submissions[i] is not null).ToList();
        IReadOnlyList<RunAcceptance> accepted;
        try
        {
            accepted = resolved.Count == 0 ? [] : await grains.GetGrain<IRunAcceptanceGrain>(0).Accept(resolved.Select(i => submissions[i]!).ToList());
        }
        catch (Exception e)
        {
            // Nothing known to be stored: each goes the one-run way below (idempotent per id).
            logger.LogWarning(e, "Accepting a batch of {Count} runs at once failed; they are submitted one by one", resolved.Count);
            accepted = Enumerable.Repeat(RunAcceptance.NotAccepted, resolved.Count).ToList();
        }

        // 3. What was not accepted set-wise (an id stored already, e.g. a retried batch) goes
        // through its workload grain: the same spec reaches the same run, another is a 409.
        var single = new List<int>();
        for (var k = 0; k < resolved.Count; k++)
        {
            var (i, answer) = (resolved[k], accepted[k]);
            if (answer.View is { } view)
            {
                results[i] = new BatchItemResult(i, StatusCodes.Status201Created, view, null);
            }
            else if (answer.Refusal is { } refusal)
            {
                Fail(i, refusal.Refusal());
            }
            else
            {
                single.Add(i);
            }
        }

        await Parallel.ForEachAsync(single, new ParallelOptions { MaxDegreeOfParallelism = BatchParallelism }, async (i, _) =>
        {
            try
            {
                var run = submissions[i]!;
                results[i] = new BatchItemResult(i, StatusCodes.Status201Created,
                    await grains.GetGrain<IWorkloadGrain>(run.Id).Create(WorkloadType.Run, run.Spec, run.Owner, run.ClonedFrom, run.Template), null);
            }
            catch (Exception e)
            {
                Fail(i, e);
            }
        });
        return TypedResults.Ok(new BatchRunsAnswer(results));
    }

    /// <summary>
    /// How many specs of one batch are resolved (or, not accepted set-wise, submitted one by one) at
    /// once: bounded because each one's grain calls must answer within the call timeout on a loaded
    /// silo (all 1,000 at once on a starved 2-core machine answered 872 specs of 3,000 with errors).
    /// </summary>
    private const int BatchParallelism = 128;

    private static CreateRunRequest RequireNoTuning(CreateRunRequest request) => request.Tuning is null
        ? request
        : throw DomainException.Validation("tuning", "a study is submitted with POST /runs, not in a batch.");

    /// <summary>One run submission as POST /runs makes it: template or clone, references resolved, then the workload grain.</summary>
    private static async Task<WorkloadView> SubmitAsync(
        CreateRunRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code, string id)
    {
        var spec = await ResolveAsync(RequireNoTuning(request), http, grains, directory, code);
        return await grains.GetGrain<IWorkloadGrain>(id).Create(WorkloadType.Run, spec, http.Caller().Name, request.CloneFrom, request.Template);
    }

    /// <summary>The spec a run made from <paramref name="template"/> alone gets for the caller now (what a monitor's retraining runs).</summary>
    public static Task<WorkloadSpec> FromTemplateAsync(string template, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code) =>
        ResolveAsync(new CreateRunRequest(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, template), http, grains, directory, code);

    /// <summary>
    /// A run's spec as POST /runs resolves it: template or clone, references, and the "some node fits"
    /// check; in a batch, each look-up its specs share is asked once (<paramref name="shared"/>).
    /// </summary>
    private static async Task<WorkloadSpec> ResolveAsync(
        CreateRunRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code, BatchLookups? shared = null)
    {
        var caller = http.Caller();
        WorkloadSpec? basis = null;
        if (request.Template is { } template)
        {
            basis = (await BatchLookups.Shared(shared, "template", template, () => TemplateEndpoints.VisibleAsync(template, caller, grains))).Spec;
        }

        if (request.CloneFrom is { } source)
        {
            basis = (await BatchLookups.Shared(shared, "clone", source, () => Workloads.VisibleAsync(source, WorkloadType.Run, caller, grains))).Spec;
        }

        var built = await WorkloadSpecBuilder.ForRunAsync(request, basis, caller, grains, shared);
        // In a batch the references are resolved once per distinct set of them (the names, commands
        // and hyperparameters that differ between its specs play no part in them).
        var references = shared is null || (built.Code is null && built.Inputs.Count == 0 && built.Output is null)
            ? await RunReferences.ResolveAsync(built, caller, grains, directory, code, http.RequestAborted)
            : await shared.Once("references", JsonSerializer.Serialize(new { built.Code, built.Inputs, built.Output }),
                () => RunReferences.ResolveAsync(built, caller, grains, directory, code, http.RequestAborted));
        var spec = built with { Inputs = references.Inputs, Output = references.Output, Code = references.Code };
        await Workloads.RequireSomeNodeFitsAsync(spec, grains, shared);
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
