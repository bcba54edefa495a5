using System.Security.Claims;
using System.Text.Encodings.Web;
using DKube.Api.Ides;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DKube.WebUi.Services;

/// <summary>
/// Signs the browser in with its bearer token kept in the UI's own HttpOnly cookie
/// <see cref="CookieName"/>, scoped to <c>/ui</c>. It is a credential for the UI's pages and circuit
/// only: the REST API reads the <c>Authorization</c> header, and the IDE gateway reads its per-IDE
/// cookie <see cref="GatewayForwarder.TokenCookie"/>, so a page served inside an IDE (user code of the
/// same origin) is neither sent this cookie with its requests to <c>/ides/...</c> nor could use it
/// there. The token is checked on every page request and circuit start exactly as the API checks it,
/// and is carried into the circuit as a claim that never leaves the server.
/// </summary>
public sealed class UiAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, GatewayAccess access)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "dkube-ui";

    /// <summary>The UI's sign-in cookie: a name of its own, never the gateway's <c>dkube_token</c>.</summary>
    public const string CookieName = GatewayForwarder.UiCookie;

    /// <summary>The claim that holds the caller's token for the circuit's calls to the API.</summary>
    public const string TokenClaim = "dkube:token";

    public const string SignInPath = DKubeWebUi.BasePath + "/signin";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Outside /ui the cookie is not a credential, whatever sent it (the browser never does).
        if (!Request.Path.StartsWithSegments(DKubeWebUi.BasePath)
            || !Request.Cookies.TryGetValue(CookieName, out var token) || token.Length is 0 or > 512)
        {
            return AuthenticateResult.NoResult();
        }

        var caller = await access.CallerOfAsync(token, Context.RequestAborted);
        if (caller is null)
        {
            return AuthenticateResult.Fail("The token is no longer valid.");
        }

        var identity = new ClaimsIdentity(SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, caller.Name));
        identity.AddClaim(new Claim(TokenClaim, token));
        identity.AddClaims(caller.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>A page asked for without a valid cookie goes to the sign-in form, and comes back after.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var back = Request.Path.StartsWithSegments(DKubeWebUi.BasePath) ? (Request.PathBase + Request.Path + Request.QueryString).ToString() : DKubeWebUi.BasePath;
        Response.Redirect($"{SignInPath}?returnUrl={Uri.EscapeDataString(back)}");
        return Task.CompletedTask;
    }

    /// <summary>The cookie as sign-in writes it: script never reads it, other sites never send it, and the browser sends it to /ui only.</summary>
    public static CookieOptions CookieOptions(HttpRequest request) => new()
    {
        // The UI's pages, its circuit (/ui/_blazor) and its script (/ui/_framework): never the API, never
        // the IDE gateway's /ides/{id}/... paths, where the pages are user code of the same origin.
        Path = DKubeWebUi.BasePath,
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        IsEssential = true,
    };
}
