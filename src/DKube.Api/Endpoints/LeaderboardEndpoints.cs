using System.Globalization;
using System.Text;
using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Leaderboards;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Problems;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>
/// Leaderboards of projects made with <c>leaderboard: true</c>: the owner's hidden evaluation,
/// members' submissions and the board. The evaluation (and its code, data and runs) is the
/// owner's alone: to anyone else it is 404.
/// </summary>
public static class LeaderboardEndpoints
{
    public const int MaxDetailsLength = 16 * 1024;
    public const int MaxDailyLimit = 10_000;

    public static void MapLeaderboardEndpoints(this RouteGroupBuilder api)
    {
        var project = api.MapGroup("/projects/{id}").WithTags("Leaderboards").RequireCaller();
        project.MapPut("/evaluation", SetEvaluation)
            .WithSummary("Set the project's evaluation (its owner only; 404 to anyone else): `code`, `dataset?`, `image?`, `command`, `details?`, `dailyLimit?` (submissions per member per UTC day), `gpus?`. Its code and dataset must be hidden from the project's other members (422 `evaluation-not-hidden`).");
        project.MapGet("/evaluation", GetEvaluation).WithSummary("The project's evaluation (its owner only; 404 to anyone else).");
        project.MapPost("/submissions", Submit)
            .WithSummary("Submit a model version (`model: {name, version?}`) to be scored: 202 `{id, status: Pending}`; 404 for a model the caller cannot see; 429 `submission-limit` (with `Retry-After`) past the daily limit. The evaluation runs with the version at `DKUBE_SUBMISSION_DIR` and writes `metrics.json` to `DKUBE_OUTPUT_DIR`. An `Idempotency-Key` header makes a retry reach the first attempt's submission.");
        project.MapGet("/submissions", ListSubmissions).WithSummary("The caller's submissions (the project's owner sees all), oldest first, with status, metrics or the reason it failed.");
        project.MapGet("/submissions/{submission}", GetSubmission).WithSummary("One submission (its submitter's or the project owner's).");
        project.MapGet("/leaderboard", Board)
            .WithSummary("Each member's best submission by the `sort` metric (in `direction`), ranked, with all their submissions; `format=csv` for the ranking as CSV (rank, user, submission, at, the metrics, submissions).")
            .Produces<LeaderboardView>().Produces<string>(contentType: "text/csv");
    }

    private static async Task<Ok<Evaluation>> SetEvaluation(string id, EvaluationRequest request, HttpContext http, IGrainFactory grains,
        IResourceDirectory directory, ICodeResolver code, TimeProvider time)
    {
        var caller = http.Caller();
        var project = await OwnedAsync(id, caller, grains);
        var validator = new RequestValidator()
            .Check(request.Code is not null, "code", "is required: the repository of the evaluation's code.")
            .Text("command", request.Command, WorkloadSpecBuilder.MaxCommandLength, required: true)
            .Text("image", request.Image, 512)
            .Text("details", request.Details, MaxDetailsLength)
            .Range("dailyLimit", request.DailyLimit, 1, MaxDailyLimit, required: false)
            .Range("gpus", request.Gpus, 0, WorkloadSpecBuilder.MaxGpus, required: false);
        if (request.Code is { } codeRequest)
        {
            validator.Text("code.repo", codeRequest.Repo, 64, required: true).Commit("code.commit", codeRequest.Commit);
        }

        if (request.Dataset is { } dataset)
        {
            validator.Text("dataset.name", dataset.Name, 64, required: true).Range("dataset.version", dataset.Version, 1, int.MaxValue, required: false);
        }

        validator.ThrowIfInvalid();

        // Resolved as a run of the owner's would be: repositories by the owner's names (404 when not
        // visible to them), the commit fixed now.
        var inputs = request.Dataset is { } d ? [new VersionRef(RepoKinds.Dataset, d.Name!, d.Version, LeaderboardRuns.DataMount)] : new List<VersionRef>();
        var resolved = await ResolveAsync(project, new CodeRef(request.Code!.Repo!, request.Code.Commit), inputs, http, grains, directory, code);

        var members = (await grains.GetGrain<IGroupGrain>(project.Group).Get())?.Members ?? [];
        var codeRepo = await RepoAccess.VisibleCodeAsync(resolved.Code!.RepoId!, caller, grains);
        await RequireHiddenAsync(project, members, codeRepo.Owner, codeRepo.Group, "code", grains);
        VersionRef? pinned = null;
        if (resolved.Inputs.FirstOrDefault() is { } input)
        {
            var repo = await RepoAccess.VisibleDataAsync(RepoKind.Dataset, input.RepoId!, caller, grains);
            await RequireHiddenAsync(project, members, repo.Owner, repo.Group, "dataset", grains);
            // Pinned, so that every submission is scored on the same data until the owner changes it.
            pinned = input with { Version = input.Version ?? (repo.Versioned ? repo.LatestVersion : null) };
        }

        var evaluation = new Evaluation(project.Id, project.Owner, project.Group, resolved.Code, pinned, request.Image, request.Command!, request.Details,
            request.DailyLimit, request.Gpus ?? 0, time.GetUtcNow());
        return TypedResults.Ok(await grains.GetGrain<ILeaderboardGrain>(project.Id).SetEvaluation(evaluation));
    }

    private static async Task<Ok<Evaluation>> GetEvaluation(string id, HttpContext http, IGrainFactory grains)
    {
        var project = await OwnedAsync(id, http.Caller(), grains);
        return TypedResults.Ok(await grains.GetGrain<ILeaderboardGrain>(project.Id).GetEvaluation() ?? throw DomainException.NotFound("Evaluation of project", id));
    }

    private static async Task<Results<Accepted<Submission>, ProblemHttpResult>> Submit(
        string id, SubmissionRequest request, HttpContext http, IGrainFactory grains, IResourceDirectory directory, ICodeResolver code,
        TimeProvider time, [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey)
    {
        var caller = http.Caller();
        var project = await LeaderboardAsync(id, caller, grains);
        new RequestValidator()
            .Check(request.Model is not null, "model", "is required: {name, version}.")
            .Text("model.name", request.Model?.Name, 64, required: request.Model is not null)
            .Range("model.version", request.Model?.Version, 1, int.MaxValue, required: false)
            .ThrowIfInvalid();
        var submissionId = IdempotencyKey.IdFor(idempotencyKey, "s", caller.Name);

        // The submitter's model, resolved as the submitter sees it: one they cannot see is 404.
        var resolved = await ResolveAsync(project, null, [new VersionRef(RepoKinds.Model, request.Model!.Name!, request.Model.Version, LeaderboardRuns.SubmissionMount)],
            http, grains, directory, code);
        var model = resolved.Inputs[0];
        var repo = await RepoAccess.VisibleDataAsync(RepoKind.Model, model.RepoId!, caller, grains);
        if (!repo.Versioned)
        {
            throw DomainException.Unprocessable("not-versioned", $"Model '{repo.Name}' is not versioned; a submission is a model version.");
        }

        var outcome = await grains.GetGrain<ILeaderboardGrain>(project.Id)
            .Submit(submissionId, caller.Name, new SubmittedModel(request.Model.Name!, repo.Id, model.Version ?? repo.LatestVersion));
        if (outcome.Accepted is not { } submission)
        {
            var retryAt = outcome.RetryAt!.Value;
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((retryAt - time.GetUtcNow()).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return ProblemResults.Result(StatusCodes.Status429TooManyRequests, "submission-limit",
                $"You have made the {outcome.DailyLimit} submissions allowed per day in project '{id}' (failed evaluations do not count); submit again after {retryAt:O}.");
        }

        return TypedResults.Accepted($"{DKubeApi.BasePath}/projects/{project.Id}/submissions/{submission.Id}", submission);
    }

    private static async Task<Ok<ItemsPage<Submission>>> ListSubmissions(string id, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(new ItemsPage<Submission>(await SubmissionsAsync(id, http.Caller(), grains), null));

    private static async Task<Ok<Submission>> GetSubmission(string id, string submission, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok((await SubmissionsAsync(id, http.Caller(), grains)).FirstOrDefault(s => s.Id == submission)
            ?? throw DomainException.NotFound("Submission", submission));

    /// <summary>The submissions the caller may read: their own; all of them for the project's owner.</summary>
    private static async Task<IReadOnlyList<Submission>> SubmissionsAsync(string id, Caller caller, IGrainFactory grains)
    {
        var project = await LeaderboardAsync(id, caller, grains);
        return await grains.GetGrain<ILeaderboardGrain>(project.Id).Submissions(project.Owner == caller.Name ? null : caller.Name);
    }

    /// <summary>Code and inputs resolved as a run of the caller's in the project would resolve them (404 for what the caller cannot see).</summary>
    private static Task<WorkloadSpec> ResolveAsync(ProjectView project, CodeRef? codeRef, List<VersionRef> inputs, HttpContext http, IGrainFactory grains,
        IResourceDirectory directory, ICodeResolver code) =>
        RunReferences.ResolveAsync(
            new WorkloadSpec(LeaderboardRuns.Kind, LeaderboardRuns.Kind, project.Group, project.Id, codeRef, null, "", inputs, null, new Dictionary<string, string>(),
                0, false, null, null, [], TimeSpan.Zero, new Dictionary<string, string>()),
            http.Caller(), grains, directory, code, http.RequestAborted);

    private static async Task<IResult> Board(string id, string? format, HttpContext http, IGrainFactory grains)
    {
        var project = await LeaderboardAsync(id, http.Caller(), grains);
        new RequestValidator().Check(format is null or "json" or "csv", "format", "must be json or csv.").ThrowIfInvalid();
        var board = await grains.GetGrain<ILeaderboardGrain>(project.Id).Board();
        return format == "csv"
            ? TypedResults.Text(LeaderboardCsv.Write(board), "text/csv; charset=utf-8", Encoding.UTF8)
            : TypedResults.Ok(board);
    }

    /// <summary>A visible project made with <c>leaderboard: true</c>: 404 when not visible, 409 <c>not-a-leaderboard</c> otherwise.</summary>
    private static async Task<ProjectView> LeaderboardAsync(string id, Caller caller, IGrainFactory grains)
    {
        var project = await ProjectEndpoints.VisibleAsync(id, caller, grains);
        return project.Leaderboard
            ? project
            : throw DomainException.Conflict("not-a-leaderboard", $"Project '{id}' is not a leaderboard (PATCH it with leaderboard: true).");
    }

    /// <summary>The leaderboard's owner only: its evaluation is 404 to everyone else, as if it did not exist.</summary>
    private static async Task<ProjectView> OwnedAsync(string id, Caller caller, IGrainFactory grains)
    {
        var project = await LeaderboardAsync(id, caller, grains);
        return project.Owner == caller.Name ? project : throw DomainException.NotFound("Evaluation of project", id);
    }

    /// <summary>
    /// 422 <c>evaluation-not-hidden</c> when a member of the project other than its owner could
    /// see the evaluation's code or data (it belongs to a group one of them is in): keep them in a
    /// group of the owner's own. Checked when the evaluation is set.
    /// </summary>
    private static async Task RequireHiddenAsync(ProjectView project, IReadOnlyList<string> members, string owner, string group, string what, IGrainFactory grains)
    {
        var groupMembers = group == project.Group ? members : (await grains.GetGrain<IGroupGrain>(group).Get())?.Members ?? [];
        var seeing = members.Where(m => m != project.Owner && (m == owner || groupMembers.Contains(m))).ToList();
        if (seeing.Count > 0)
        {
            throw DomainException.Unprocessable("evaluation-not-hidden",
                $"The evaluation's {what} is visible to members of the project ({string.Join(", ", seeing.Take(5))}); keep it in a group of yours they are not in.");
        }
    }
}
