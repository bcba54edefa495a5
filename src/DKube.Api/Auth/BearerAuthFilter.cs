using DKube.Abstractions.Common;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Api.Limits;
using DKube.Api.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Api.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c> against the hashed tokens of the
/// read model, through the <see cref="CallerCache"/> (401 when missing or unknown), for operator endpoints checks the role (403),
/// then holds the request to the caller's rate limit and fair turn (429).
/// </summary>
public sealed class BearerAuthFilter(IResourceDirectory directory, CallerCache cache, IWorkloadTokens workloadTokens, IGrainFactory grains, TenantRateLimiter limiter, bool operatorOnly) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length || header.Length > 512)
        {
            return Unauthorized(http, "A bearer token is required.");
        }

        var caller = await CallerOfAsync(header[scheme.Length..].Trim(), http.RequestAborted);
        if (caller is null)
        {
            return Unauthorized(http, "The bearer token is not valid.");
        }

        if (operatorOnly && !caller.IsOperator)
        {
            return ProblemResults.Result(StatusCodes.Status403Forbidden, "forbidden", "This operation needs the operator role.");
        }

        http.SetCaller(caller);
        return await limiter.InvokeAsync(http, caller, () => next(context));
    }

    /// <summary>The caller a token stands for, or null when it is unknown (also the gateway's way in, whose token may come in a cookie).</summary>
    public Task<Caller?> CallerOfAsync(string token, CancellationToken cancellationToken) =>
        // A run's own token is checked against its run on every request (it ends with the run), so it is never cached.
        token.StartsWith(Tokens.WorkloadPrefix, StringComparison.Ordinal)
            ? WorkloadOwnerAsync(token, cancellationToken)
            : cache.FindAsync(Tokens.Hash(token), directory, cancellationToken);

    /// <summary>A filter built from the application's services.</summary>
    public static BearerAuthFilter Create(IServiceProvider services, bool operatorOnly) =>
        new(services.GetRequiredService<IResourceDirectory>(), services.GetRequiredService<CallerCache>(),
            services.GetRequiredService<IWorkloadTokens>(), services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<TenantRateLimiter>(), operatorOnly);

    /// <summary>
    /// A workload token acts as the workload's owner while the attempt it was issued to is starting or
    /// running; once the work ends (or runs again as a new attempt) it is refused like an unknown token.
    /// </summary>
    private async Task<Caller?> WorkloadOwnerAsync(string token, CancellationToken cancellationToken)
    {
        if (workloadTokens.Read(token) is not { } claim || !ResourceIds.IsWellFormed(claim.WorkloadId))
        {
            return null;
        }

        var view = await grains.GetGrain<IWorkloadGrain>(claim.WorkloadId).Get();
        return view is { Status: WorkloadStatus.Starting or WorkloadStatus.Running } && view.Attempt == claim.Attempt && view.Owner == claim.Owner
            ? await directory.FindCallerByNameAsync(claim.Owner, cancellationToken)
            : null;
    }

    public static IResult Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ProblemResults.Result(StatusCodes.Status401Unauthorized, "unauthorized", detail);
    }
}
