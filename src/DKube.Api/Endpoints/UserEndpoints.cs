using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Limits;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Users (operator) and the caller's own identity.</summary>
public static class UserEndpoints
{
    public static void MapUserEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequireOperator();
        users.MapPost("/", CreateUser).WithSummary("Create a user; the answer carries their bearer token, shown once.");
        users.MapGet("/", ListUsers).WithSummary("List users.");
        users.MapGet("/{name}", GetUser).WithSummary("Get a user.");
        users.MapPost("/{name}/token", RotateToken).InvalidatesCallers()
            .WithSummary("Replace a user's token; the old one stops working at once (in other API processes within milliseconds, at most `DKUBE_TOKEN_CACHE_SECONDS`).");

        api.MapGet("/me", Me).WithTags("Users").RequireCaller().WithSummary("Who the caller is: name, roles, groups, the rate limits that apply to them and their groups' object quotas with the current use.");
    }

    private static async Task<Created<CreatedUser>> CreateUser(CreateUserRequest request, IGrainFactory grains)
    {
        var roles = request.Roles ?? [Roles.DataScientist];
        new RequestValidator()
            .Name("name", request.Name)
            .Check(roles.Count > 0 && roles.All(Roles.All.Contains), "roles", $"must be some of {string.Join(", ", Roles.All)}.")
            .ThrowIfInvalid();
        var distinctRoles = roles.Distinct().ToList();
        var token = await grains.GetGrain<IUserGrain>(request.Name!).Create(distinctRoles);
        return TypedResults.Created($"{DKubeApi.BasePath}/users/{request.Name}", new CreatedUser(request.Name!, distinctRoles, token));
    }

    private static async Task<Ok<ItemsPage<UserView>>> ListUsers(IResourceDirectory directory, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var query = ListParameters.Parse(limit, cursor, null, null);
        var page = await directory.ListUsersAsync(query.Limit, query.Cursor, cancellationToken);
        return TypedResults.Ok(new ItemsPage<UserView>(page.Items, page.NextCursor));
    }

    private static async Task<Ok<UserView>> GetUser(string name, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IUserGrain>(name).Get() ?? throw DomainException.NotFound("User", name));

    private static async Task<Ok<RotatedToken>> RotateToken(string name, IGrainFactory grains) =>
        TypedResults.Ok(new RotatedToken(name, await grains.GetGrain<IUserGrain>(name).RotateToken()));

    private static async Task<Ok<MeView>> Me(HttpContext http, TenantRateLimiter limiter, IObjectQuotas quotas)
    {
        var caller = http.Caller();
        var limits = caller.IsOperator ? null : await limiter.LimitsOfAsync(caller);
        var uses = await Task.WhenAll(caller.Groups.Select(g => quotas.UseOfAsync(g, caller.Name)));
        return TypedResults.Ok(new MeView(caller.Name, caller.Roles, caller.Groups, limits, [.. uses.SelectMany(u => u)]));
    }
}
