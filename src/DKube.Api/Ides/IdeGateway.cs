using DKube.Abstractions.Errors;
using DKube.Abstractions.Workloads;
using DKube.Api.Auth;
using DKube.Api.Endpoints;
using DKube.Api.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Ides;

/// <summary>
/// The gateway to IDEs: <c>/ides/{id}/lab/...</c> at the server's root (HTTP and WebSocket) reaches
/// the IDE's own server, which answers under that same base URL; <c>GET /api/v1/ides/{id}/open</c>
/// says where, and signs a browser in with a cookie.
/// </summary>
public static class IdeGateway
{
    /// <summary>Every verb a web IDE uses (a WebSocket upgrade is a GET).</summary>
    public static readonly string[] Verbs = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    /// <summary><c>GET /ides/{id}/open</c> on the API's IDE group.</summary>
    public static void MapIdeOpen(this RouteGroupBuilder ides) =>
        ides.MapGet("/{id}/open", Open)
            .WithSummary("Where the IDE is served through the gateway (`/ides/{id}/lab/`, HTTP and WebSocket), for its owner and group only. " +
                "Also sets the HttpOnly cookie `dkube_token` (path `/ides/{id}/`, SameSite=Strict) with the caller's token, so a browser " +
                "that called this reaches the IDE without an Authorization header; scripts may send their bearer token instead.");

    /// <summary><c>/ides/{id}/lab/{**path}</c> at the server's root.</summary>
    public static void MapIdeGateway(this WebApplication app)
    {
        var gateway = app.MapGroup("/ides").WithTags("Gateway");
        gateway.MapMethods("/{id}/lab/{**path}", Verbs, (string id, HttpContext http, GatewayAccess access, GatewayForwarder forwarder) =>
                ForwardAsync(id, http, access, forwarder))
            .WithSummary("The IDE's own server (JupyterLab, Notebook, RStudio), any verb, WebSocket included, for the IDE's owner and group " +
                "(bearer token or the `dkube_token` cookie set by `open`; anyone else 404). 503 `not-ready` with `Retry-After` until it answers.");
        // Routing ignores a trailing slash, so this also matches /ides/{id}/lab/, the IDE's root page,
        // which is forwarded (redirecting it to itself would loop).
        gateway.MapGet("/{id}/lab", (string id, HttpContext http, GatewayAccess access, GatewayForwarder forwarder) =>
                http.Request.Path.Value!.EndsWith('/') ? ForwardAsync(id, http, access, forwarder) : TypedResults.Redirect(GatewayPaths.IdeLab(id)).ExecuteAsync(http))
            .WithSummary("Redirects to `/ides/{id}/lab/`.");
        TensorBoards.MapTensorBoardGateway(gateway, WorkloadType.Ide);
        TensorBoards.MapTensorBoardGateway(app.MapGroup("/runs").WithTags("Gateway"), WorkloadType.Run);
    }

    private static async Task<Ok<IdeOpenAnswer>> Open(string id, HttpContext http, IGrainFactory grains)
    {
        var view = await Workloads.VisibleAsync(id, WorkloadType.Ide, http.Caller(), grains);
        var path = GatewayPaths.IdeLab(view.Id);
        if (GatewayAccess.TokenOf(http.Request) is { } token)
        {
            SignIn(http, view.Id, token);
        }

        var request = http.Request;
        return TypedResults.Ok(new IdeOpenAnswer($"{request.Scheme}://{request.Host}{request.PathBase}{path}", path, view.Status.ToString()));
    }

    /// <summary>Sets the gateway's cookie for one IDE (by <c>open</c>, and by the web UI's own open).</summary>
    public static void SignIn(HttpContext http, string id, string token) =>
        http.Response.Cookies.Append(GatewayForwarder.TokenCookie, token, new CookieOptions
        {
            // Only this IDE's paths (its lab and TensorBoard) get it, never the API, never the UI, never script.
            Path = $"/ides/{Uri.EscapeDataString(id)}/",
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
        });

    private static async Task ForwardAsync(string id, HttpContext http, GatewayAccess access, GatewayForwarder forwarder)
    {
        if (await access.CallerAsync(http) is not { } caller)
        {
            await BearerAuthFilter.Unauthorized(http, "A bearer token (or the cookie set by GET /api/v1/ides/{id}/open) is required.").ExecuteAsync(http);
            return;
        }

        var view = await access.VisibleAsync(id, WorkloadType.Ide, caller);
        await ForwardToAsync(http, forwarder, view, view.Endpoint, $"IDE '{id}'");
    }

    /// <summary>
    /// Forwards to a workload's server while it runs: 503 <c>not-ready</c> (with <c>Retry-After</c>) while
    /// it is on its way, 409 <c>invalid-state</c> once it has ended (it must be started again).
    /// </summary>
    public static async Task ForwardToAsync(HttpContext http, GatewayForwarder forwarder, WorkloadView owner, string? endpoint, string what)
    {
        if (owner.Status.IsFinal() || owner.Status == WorkloadStatus.Stopping)
        {
            throw DomainException.Conflict("invalid-state", $"{what} is {owner.Status}; start it again to open it.");
        }

        if (owner.Status != WorkloadStatus.Running || endpoint is null)
        {
            http.Response.Headers.RetryAfter = "5";
            await ProblemResults.Result(StatusCodes.Status503ServiceUnavailable, "not-ready", $"{what} is {owner.Status}; it is served once it runs.")
                .ExecuteAsync(http);
            return;
        }

        await forwarder.ForwardAsync(http, endpoint, what);
    }
}
