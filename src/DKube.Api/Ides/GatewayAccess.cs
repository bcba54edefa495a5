using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Api.Auth;
using DKube.Api.Endpoints;
using Microsoft.AspNetCore.Http;

namespace DKube.Api.Ides;

/// <summary>
/// Who may pass the gateway to a workload's server: a caller with a valid token, from the
/// <c>Authorization</c> header (scripts) or the <see cref="GatewayForwarder.TokenCookie"/> cookie
/// (browsers), who may see the workload (its owner, its group, an operator). Anyone else gets 404,
/// as for the workload itself.
/// </summary>
public sealed class GatewayAccess(BearerAuthFilter auth, IGrainFactory grains)
{
    /// <summary>The token of the request, header first; null when it has none.</summary>
    public static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length && header.Length <= 512)
        {
            return header[scheme.Length..].Trim();
        }

        return request.Cookies.TryGetValue(GatewayForwarder.TokenCookie, out var cookie) && cookie.Length is > 0 and <= 512 ? cookie : null;
    }

    /// <summary>The caller a token stands for, or null when it is unknown (the web UI's sign-in checks a typed token with it).</summary>
    public Task<Caller?> CallerOfAsync(string token, CancellationToken cancellationToken) => auth.CallerOfAsync(token, cancellationToken);

    /// <summary>The caller, or null (the answer is 401 then).</summary>
    public async Task<Caller?> CallerAsync(HttpContext http) =>
        TokenOf(http.Request) is { } token ? await auth.CallerOfAsync(token, http.RequestAborted) : null;

    /// <summary>The workload the caller may see (404 otherwise, thrown as a domain error).</summary>
    public Task<WorkloadView> VisibleAsync(string id, WorkloadType type, Caller caller) => Workloads.VisibleAsync(id, type, caller, grains);
}
