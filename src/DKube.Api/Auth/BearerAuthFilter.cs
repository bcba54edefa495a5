using DKube.Abstractions.Common;
using DKube.Abstractions.Tenancy;
using DKube.Api.Problems;
using Microsoft.AspNetCore.Http;

namespace DKube.Api.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c> against the hashed tokens of the
/// read model, through the <see cref="CallerCache"/> (401 when missing or unknown) and, for operator endpoints, checks the role (403).
/// </summary>
public sealed class BearerAuthFilter(IResourceDirectory directory, CallerCache cache, bool operatorOnly) : IEndpointFilter
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

        var caller = await cache.FindAsync(Tokens.Hash(header[scheme.Length..].Trim()), directory, http.RequestAborted);
        if (caller is null)
        {
            return Unauthorized(http, "The bearer token is not valid.");
        }

        if (operatorOnly && !caller.IsOperator)
        {
            return ProblemResults.Result(StatusCodes.Status403Forbidden, "forbidden", "This operation needs the operator role.");
        }

        http.SetCaller(caller);
        return await next(context);
    }

    private static IResult Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ProblemResults.Result(StatusCodes.Status401Unauthorized, "unauthorized", detail);
    }
}
