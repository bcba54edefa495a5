using System.Globalization;
using System.Text;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Studies;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Validation;
using DKube.Tuning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Hyperparameter studies: a run submitted with <c>tuning</c> (Katib YAML) becomes a study of trial runs.</summary>
public static class StudyEndpoints
{
    public static void MapStudyEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/studies/validate", Validate).WithTags("Studies").RequireCaller()
            .Accepts<string>("application/yaml", "text/yaml", "text/plain")
            .WithSummary("Parse a Katib Experiment YAML (or its spec) without running it: the parameters, algorithm, objective and limits it gives, or 422 naming each field that is wrong (400 when it is not YAML).");
        var study = api.MapGroup("/runs/{id}/study").WithTags("Studies").RequireCaller();
        study.MapGet("/", Get).WithSummary("A study (a run submitted with `tuning`): status, objective, algorithm, limits, trials (run, parameters, objective, metrics, intermediate values, status), best trial and model version.");
        study.MapGet("/trials", Trials).WithSummary("The study's trials as a table: `format=csv` (one row per trial: index, run, status, objective, each parameter, each metric) or JSON (default).")
            .Produces<string>(contentType: "text/csv");
        study.MapPost("/stop", Stop).WithSummary("End a study: no new trial; running trials are stopped and hand their GPUs back at once.");
    }

    /// <summary>POST /runs with <c>tuning</c>: the run's spec becomes every trial's template, the study is keyed by the run's id.</summary>
    public static async Task<StudyView> SubmitAsync(string tuning, WorkloadSpec template, Caller caller, IGrainFactory grains, string id) =>
        await grains.GetGrain<IStudyGrain>(id).Create(caller.Name, template, tuning);

    private static async Task<Ok<StudyValidation>> Validate(HttpRequest request, CancellationToken cancellationToken)
    {
        // Any text type: the YAML is read as it is (Kestrel's 1 MiB body limit answers 413 first).
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var spec = StudySpecs.Parse(await reader.ReadToEndAsync(cancellationToken));
        return TypedResults.Ok(new StudyValidation(
            spec.Parameters.Select(p => p.Type is ParameterType.Categorical or ParameterType.Discrete
                ? new StudyParameterView(p.Name, TypeName(p.Type), null, null, null, p.List)
                : new StudyParameterView(p.Name, TypeName(p.Type), p.Min, p.Max, p.Step, null)).ToList(),
            spec.Algorithm.Name, spec.Algorithm.RunsAs, ObjectiveOf(spec.Objective), spec.ParallelTrialCount, spec.MaxTrialCount,
            spec.MaxFailedTrialCount, spec.EarlyStopping?.Name, spec.MetricsCollector.Kind,
            spec.Command is null ? null : spec.CommandFor(null, new Dictionary<string, string>())));
    }

    private static async Task<Ok<StudyView>> Get(string id, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await LiveAsync(await VisibleAsync(id, http.Caller(), grains), grains));

    private static async Task<IResult> Trials(string id, string? format, HttpContext http, IGrainFactory grains)
    {
        var view = await LiveAsync(await VisibleAsync(id, http.Caller(), grains), grains);
        if (format is null or "json")
        {
            return TypedResults.Ok(new ItemsPage<StudyTrial>(view.Trials, null));
        }

        if (format != "csv")
        {
            throw DomainException.Validation("format", "must be csv or json.");
        }

        var parameters = view.Trials.SelectMany(t => t.Parameters.Keys).Distinct().ToList();
        var metrics = view.Trials.SelectMany(t => t.Metrics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', new[] { "index", "run", "status", "objective" }.Concat(parameters).Concat(metrics).Select(Cell)));
        foreach (var trial in view.Trials)
        {
            csv.AppendLine(string.Join(',', new[]
                {
                    trial.Index.ToString(CultureInfo.InvariantCulture), trial.Run, trial.Status.ToString(),
                    trial.Objective?.ToString("R", CultureInfo.InvariantCulture) ?? "",
                }
                .Concat(parameters.Select(p => trial.Parameters.GetValueOrDefault(p, "")))
                .Concat(metrics.Select(m => trial.Metrics.TryGetValue(m, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : ""))
                .Select(Cell)));
        }

        return TypedResults.Text(csv.ToString(), "text/csv; charset=utf-8");
    }

    private static async Task<Ok<StudyView>> Stop(string id, HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        var view = await VisibleAsync(id, caller, grains);
        caller.RequireOwner(view.Owner, "study", id);
        return TypedResults.Ok(await grains.GetGrain<IStudyGrain>(id).Stop());
    }

    /// <summary>The study <paramref name="id"/> as a run (GET /runs/{id}), or null when there is none the caller may see.</summary>
    internal static async Task<StudyRunView?> AsRunAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = Abstractions.Common.ResourceIds.IsWellFormed(id) ? await grains.GetGrain<IStudyGrain>(id).Get() : null;
        if (view is null || !caller.CanSee(view.Owner, view.Group))
        {
            return null;
        }

        var status = view.Status switch
        {
            StudyStatus.Complete => WorkloadStatus.Complete,
            StudyStatus.Failed => WorkloadStatus.Failed,
            StudyStatus.Stopped => WorkloadStatus.Stopped,
            _ => WorkloadStatus.Running,
        };
        return new StudyRunView(view.Id, view.Name, WorkloadType.Run, "study", view.Owner, view.Group, view.Project, status, view.Reason,
            view.CreatedAt, view.EndedAt, view.Trials.Count(t => t.Created), $"{DKubeApi.BasePath}/runs/{view.Id}/study");
    }

    private static async Task<StudyView> VisibleAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = Abstractions.Common.ResourceIds.IsWellFormed(id) ? await grains.GetGrain<IStudyGrain>(id).Get() : null;
        return view is not null && caller.CanSee(view.Owner, view.Group) ? view : throw DomainException.NotFound("Study", id);
    }

    /// <summary>
    /// The study with its active trials' current status: the study records a trial's status when
    /// it creates it and when it ends; in between the run itself knows (one point read each, on request).
    /// </summary>
    private static async Task<StudyView> LiveAsync(StudyView view, IGrainFactory grains)
    {
        var active = view.Trials.Where(t => t.Created && !t.Status.IsFinal()).ToList();
        if (active.Count == 0)
        {
            return view;
        }

        var live = await Task.WhenAll(active.Select(t => grains.GetGrain<IWorkloadGrain>(t.Run).Get()));
        var statuses = live.Where(v => v is not null).ToDictionary(v => v!.Id, v => v!.Status);
        return view with
        {
            Trials = view.Trials.Select(t => !t.Status.IsFinal() && statuses.TryGetValue(t.Run, out var s) ? t with { Status = s } : t).ToList(),
        };
    }

    internal static StudyObjective ObjectiveOf(ObjectiveSpec objective) =>
        new(objective.TypeName, objective.Metric, objective.Goal, objective.AdditionalMetrics);

    private static string TypeName(ParameterType type) => type.ToString().ToLowerInvariant();

    private static string Cell(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
