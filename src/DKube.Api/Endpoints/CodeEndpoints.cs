using DKube.Abstractions.Common;
using DKube.Abstractions.Repos;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Code repositories: git remotes with a branch, an optional pinned commit and sealed credentials.</summary>
public static class CodeEndpoints
{
    public const string DefaultBranch = "main";

    public static void MapCodeEndpoints(this RouteGroupBuilder api)
    {
        var code = api.MapGroup("/code").WithTags("Code").RequireCaller();
        code.MapPost("/", Create).WithSummary("Register a git repository (https, ssh:// or user@host:path) with optional private-access credentials.");
        code.MapList(RepoKinds.Code, "code repositories");
        code.MapGet("/credentials", Hints).WithSummary("The kinds and user names of the caller's last credentials for a host (never secrets).");
        code.MapGet("/{id}", Get).WithSummary("Get a code repository (credentials show only kind and user name).");
        code.MapPatch("/{id}", Update).WithSummary("Change URL, branch, pinned commit, description, credentials or project.");
        code.MapDelete("/{id}", Delete).WithSummary("Delete a code repository.");
        code.MapGet("/{id}/commit", Resolve).WithSummary("The commit a run would use now: the pinned one, else the branch's latest (git ls-remote).");
    }

    private static async Task<Created<CodeRepoView>> Create(CreateCodeRepoRequest request, HttpContext http, IGrainFactory grains, RepoSettings settings)
    {
        var caller = http.Caller();
        var validator = new RequestValidator()
            .Name("name", request.Name)
            .Name("group", request.Group, required: false)
            .Text("description", request.Description, 4096)
            .Branch("branch", request.Branch)
            .Commit("commit", request.Commit)
            .KnownHosts("knownHosts", request.KnownHosts);
        var useLast = request.UseLastCredentials ?? false;
        var credentials = useLast ? null : validator.Credentials("credentials", request.Credentials);
        validator.Check(!useLast || request.Credentials is null || (request.Credentials with { Kind = null, Username = null }) == new CredentialsRequest(null, null, null, null, null),
            "credentials", "may only name a kind when useLastCredentials is set.");
        validator.ThrowIfInvalid();
        var url = GitUrl.Parse(request.Url, settings);
        var (group, project) = await RepoAccess.PlaceAsync(caller, request.Group, request.Project, grains);
        var view = await grains.GetGrain<ICodeRepoGrain>(ResourceIds.New(RepoKinds.PrefixOf(RepoKind.Code))).Create(new CodeRepoSpec(
            request.Name!, caller.Name, group, project, url.Url, request.Branch ?? DefaultBranch, request.Commit, request.Description,
            credentials, useLast, useLast ? request.Credentials?.Kind : null, KnownHostsText.Normalize(request.KnownHosts)));
        return TypedResults.Created($"{DKubeApi.BasePath}/code/{view.Id}", view);
    }

    private static async Task<Ok<CredentialHintsAnswer>> Hints(string? host, HttpContext http, ICredentialHints hints)
    {
        new RequestValidator().Text("host", host, 253, required: true).ThrowIfInvalid();
        return TypedResults.Ok(new CredentialHintsAnswer(host!.ToLowerInvariant(), await hints.ListAsync(http.Caller().Name, host, http.RequestAborted)));
    }

    private static async Task<Ok<CodeRepoView>> Get(string id, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await RepoAccess.VisibleCodeAsync(id, http.Caller(), grains));

    private static async Task<Ok<CodeRepoView>> Update(string id, UpdateCodeRepoRequest request, HttpContext http, IGrainFactory grains, RepoSettings settings)
    {
        var caller = http.Caller();
        var validator = new RequestValidator()
            .Text("description", request.Description, 4096)
            .Branch("branch", request.Branch)
            .Commit("commit", request.Commit, allowEmpty: true)
            .KnownHosts("knownHosts", request.KnownHosts);
        var credentials = validator.Credentials("credentials", request.Credentials);
        validator.ThrowIfInvalid();
        if (request.Url is not null)
        {
            GitUrl.Parse(request.Url, settings);
        }

        await RepoAccess.WritableCodeAsync(id, caller, grains);
        var project = await RepoAccess.MoveTargetAsync(caller, request.Project, grains);
        return TypedResults.Ok(await grains.GetGrain<ICodeRepoGrain>(id).Update(new CodeRepoChange(
            request.Url, request.Branch, request.Commit, request.Description, project, credentials, request.RemoveCredentials ?? false,
            KnownHostsText.Normalize(request.KnownHosts))));
    }

    private static async Task<NoContent> Delete(string id, HttpContext http, IGrainFactory grains)
    {
        await RepoAccess.WritableCodeAsync(id, http.Caller(), grains);
        await grains.GetGrain<ICodeRepoGrain>(id).Delete();
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ResolvedCommit>> Resolve(string id, string? commit, HttpContext http, IGrainFactory grains, ICodeResolver resolver)
    {
        await RepoAccess.VisibleCodeAsync(id, http.Caller(), grains);
        return TypedResults.Ok(new ResolvedCommit(id, await resolver.ResolveCommitAsync(id, commit, http.RequestAborted)));
    }
}
