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
/// Pipeline runs and recurring runs. One visibility rule, the experiments' one: the owner, the
/// members of the group, operators and the contributors of the experiment see a run; changing it
/// (stop, retry, archive, delete, enable, disable) takes the owner, a group member or an editor.
/// Creating one takes a pipeline the caller sees and editor access to the experiment.
/// </summary>
public static class PipelineRunEndpoints
{
    public static void MapPipelineRunEndpoints(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/pipeline-runs").WithTags("Pipelines").RequireCaller();
        runs.MapPost("/", Create)
            .WithSummary("Run a pipeline version (`name`, `pipeline`, `version` (latest), `experiment`, `parameters`, `group`, `cluster`): 201 with its tasks.");
        runs.MapList(ResourceKinds.PipelineRun, "pipeline runs");
        runs.MapGet("/{id}", (string id, HttpContext http, IGrainFactory grains) => Get(PipelineRuns, id, http, grains)).WithSummary("Get a pipeline run: its status and every task's (`name` is the task's path, `run` the DKube run, `outputs`).");
        runs.MapPost("/{id}/stop", (string id, HttpContext http, IGrainFactory grains) => Change(PipelineRuns, id, http, grains, g => g.Stop()))
            .WithSummary("Terminate a pipeline run: no task starts any more, running tasks are stopped; it ends Canceled.");
        runs.MapPost("/{id}/terminate", (string id, HttpContext http, IGrainFactory grains) => Change(PipelineRuns, id, http, grains, g => g.Stop()))
            .WithSummary("The same as `stop` (KFP's word).");
        runs.MapPost("/{id}/retry", (string id, HttpContext http, IGrainFactory grains) => Change(PipelineRuns, id, http, grains, g => g.Retry()))
            .WithSummary("Run a Failed or Canceled pipeline run's failed, canceled and skipped tasks again (new runs); 409 otherwise.");
        runs.MapPost("/{id}/archive", (string id, HttpContext http, IGrainFactory grains) => Change(PipelineRuns, id, http, grains, g => g.Archive()))
            .WithSummary("Archive a pipeline run.");
        runs.MapPost("/{id}/unarchive", (string id, HttpContext http, IGrainFactory grains) => Change(PipelineRuns, id, http, grains, g => g.Unarchive()))
            .WithSummary("Make an archived pipeline run active again.");
        runs.MapDelete("/{id}", (string id, HttpContext http, IGrainFactory grains) => Delete(PipelineRuns, id, http, grains)).WithSummary("Delete a pipeline run that has ended and is archived; 409 otherwise.");

        var recurring = api.MapGroup("/recurring-runs").WithTags("Pipelines").RequireCaller();
        recurring.MapPost("/", CreateRecurring)
            .WithSummary("Schedule a pipeline (`name`, `pipeline`, `version`, `experiment`, `parameters`, `trigger: {cron} | {intervalSeconds}`, `startTime`, `endTime`, `maxConcurrency` 1..10, `noCatchup`, `enabled`).");
        recurring.MapList(ResourceKinds.RecurringRun, "recurring runs");
        recurring.MapGet("/{id}", (string id, HttpContext http, IGrainFactory grains) => Get(RecurringRuns, id, http, grains)).WithSummary("Get a recurring run: its schedule, last and next tick, runs not ended yet.");
        recurring.MapPost("/{id}/enable", (string id, HttpContext http, IGrainFactory grains) => Change(RecurringRuns, id, http, grains, g => g.Enable()))
            .WithSummary("Enable a recurring run (missed ticks run unless `noCatchup`).");
        recurring.MapPost("/{id}/disable", (string id, HttpContext http, IGrainFactory grains) => Change(RecurringRuns, id, http, grains, g => g.Disable()))
            .WithSummary("Disable a recurring run: no tick triggers a run until it is enabled.");
        recurring.MapDelete("/{id}", (string id, HttpContext http, IGrainFactory grains) => Delete(RecurringRuns, id, http, grains)).WithSummary("Delete a recurring run (the runs it made stay).");
    }

    private static async Task<Created<PipelineRunView>> Create(CreatePipelineRunRequest request, HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        new RequestValidator()
            .Name("name", request.Name)
            .Check(request.Pipeline is not null, "pipeline", "is required.")
            .Name("cluster", request.Cluster, required: false)
            .ThrowIfInvalid();
        var (group, project) = await PlaceAsync(caller, grains, request.Pipeline!, request.Experiment, request.Group);
        var view = await grains.GetGrain<IPipelineRunGrain>(ResourceIds.New("pr")).Create(new PipelineRunRequest(
            request.Name!, caller.Name, group, project, request.Pipeline!, request.Version, request.Experiment,
            PipelineParameters.AsText(request.Parameters), request.Cluster));
        return TypedResults.Created($"{DKubeApi.BasePath}/pipeline-runs/{view.Id}", view);
    }

    private static async Task<Created<RecurringRunView>> CreateRecurring(CreateRecurringRunRequest request, HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        new RequestValidator()
            .Name("name", request.Name)
            .Check(request.Pipeline is not null, "pipeline", "is required.")
            .Check(request.Experiment is not null, "experiment", "is required.")
            .Check(request.Trigger is not null, "trigger", "is required: {cron} or {intervalSeconds}.")
            .Range("maxConcurrency", request.MaxConcurrency, 1, 10, required: false)
            .Name("cluster", request.Cluster, required: false)
            .ThrowIfInvalid();
        var (group, project) = await PlaceAsync(caller, grains, request.Pipeline!, request.Experiment, request.Group);
        var view = await grains.GetGrain<IRecurringRunGrain>(ResourceIds.New("rr")).Create(new RecurringRunRequest(
            request.Name!, caller.Name, group, project, request.Pipeline!, request.Version, request.Experiment!,
            PipelineParameters.AsText(request.Parameters), request.Trigger!.Cron, request.Trigger.IntervalSeconds, request.StartTime, request.EndTime,
            request.MaxConcurrency ?? 1, request.NoCatchup ?? false, request.Enabled ?? true, request.Cluster));
        return TypedResults.Created($"{DKubeApi.BasePath}/recurring-runs/{view.Id}", view);
    }

    /// <summary>
    /// The group and project a new run goes to: the experiment's when the caller may run in its
    /// group (else the caller's), after checking that the caller sees the pipeline and may edit the experiment.
    /// </summary>
    private static async Task<(string Group, string? Project)> PlaceAsync(Caller caller, IGrainFactory grains, string pipeline, string? experimentId, string? group)
    {
        await PipelineEndpoints.VisibleAsync(pipeline, caller, grains);
        if (experimentId is null)
        {
            return (CallerGroups.Resolve(caller, group), null);
        }

        var experiment = await ExperimentEndpoints.RequireAsync(experimentId, caller, grains, ExperimentAccess.Editor);
        var inExperimentGroup = group is null && (caller.IsOperator || caller.Groups.Contains(experiment.Group));
        return (inExperimentGroup ? experiment.Group : CallerGroups.Resolve(caller, group), experiment.Project);
    }

    /// <summary>The two kinds of run served here: what a 404 calls one, how to read and delete one, whose it is (owner, group, experiment).</summary>
    private sealed record RunKind<TGrain, TView>(
        string What,
        Func<TGrain, Task<TView?>> Read,
        Func<TGrain, Task> Remove,
        Func<TView, (string Owner, string Group, string? Experiment)> Place)
        where TGrain : IGrainWithStringKey
        where TView : class;

    private static readonly RunKind<IPipelineRunGrain, PipelineRunView> PipelineRuns = new("Pipeline run", g => g.Get(), g => g.Delete(), v => (v.Owner, v.Group, v.Experiment));

    private static readonly RunKind<IRecurringRunGrain, RecurringRunView> RecurringRuns =
        new("Recurring run", g => g.Get(), g => g.Delete(), v => (v.Request.Owner, v.Request.Group, v.Request.Experiment));

    private static async Task<Ok<TView>> Get<TGrain, TView>(RunKind<TGrain, TView> kind, string id, HttpContext http, IGrainFactory grains)
        where TGrain : IGrainWithStringKey
        where TView : class =>
        TypedResults.Ok(await VisibleAsync(kind, id, http.Caller(), grains, ExperimentAccess.Viewer));

    private static async Task<Ok<TView>> Change<TGrain, TView>(RunKind<TGrain, TView> kind, string id, HttpContext http, IGrainFactory grains, Func<TGrain, Task<TView>> change)
        where TGrain : IGrainWithStringKey
        where TView : class
    {
        await VisibleAsync(kind, id, http.Caller(), grains, ExperimentAccess.Editor);
        return TypedResults.Ok(await change(grains.GetGrain<TGrain>(id)));
    }

    private static async Task<NoContent> Delete<TGrain, TView>(RunKind<TGrain, TView> kind, string id, HttpContext http, IGrainFactory grains)
        where TGrain : IGrainWithStringKey
        where TView : class
    {
        await VisibleAsync(kind, id, http.Caller(), grains, ExperimentAccess.Editor);
        await kind.Remove(grains.GetGrain<TGrain>(id));
        return TypedResults.NoContent();
    }

    /// <summary>The run, or 404 when it does not exist or the caller may not see it; 403 when the caller sees it without <paramref name="needed"/> access.</summary>
    private static async Task<TView> VisibleAsync<TGrain, TView>(RunKind<TGrain, TView> kind, string id, Caller caller, IGrainFactory grains, ExperimentAccess needed)
        where TGrain : IGrainWithStringKey
        where TView : class
    {
        var view = ResourceIds.IsWellFormed(id) ? await kind.Read(grains.GetGrain<TGrain>(id)) : null;
        if (view is null)
        {
            throw DomainException.NotFound(kind.What, id);
        }

        var (owner, group, experiment) = kind.Place(view);
        await AllowAsync(caller, grains, owner, group, experiment, needed, kind.What, id);
        return view;
    }

    /// <summary>The one rule: owner, group members and operators may do anything; the experiment's contributors what their access allows.</summary>
    private static async Task AllowAsync(Caller caller, IGrainFactory grains, string owner, string group, string? experimentId, ExperimentAccess needed, string what, string id)
    {
        if (caller.CanSee(owner, group))
        {
            return;
        }

        var experiment = experimentId is null ? null : await grains.GetGrain<IExperimentGrain>(experimentId).Get();
        var access = experiment?.AccessOf(caller.Name);
        if (access is null)
        {
            throw DomainException.NotFound(what, id);
        }

        if (access < needed)
        {
            throw DomainException.Forbidden($"This needs {needed.ToString().ToLowerInvariant()} access to experiment '{experimentId}'.");
        }
    }
}
