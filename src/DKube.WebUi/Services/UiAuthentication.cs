using System.Security.Claims;
using System.Text.Encodings.Web;
using DKube.Api.Ides;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DKube.WebUi.Services;

/// <summary>
/// Signs the browser in with its bearer token kept in the HttpOnly cookie <c>dkube_token</c> (the
/// cookie the IDE gateway already reads, so an IDE opened from the UI needs no second sign-in). The
/// token is checked on every page request and circuit start exactly as the API checks it, and is
/// carried into the circuit as a claim that never leaves the server.
/// </summary>
public sealed class UiAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, GatewayAccess access)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "dkube-ui";

    /// <summary>The claim that holds the caller's token for the circuit's calls to the API.</summary>
    public const string TokenClaim = "dkube:token";

    public const string SignInPath = "/ui/signin";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(GatewayForwarder.TokenCookie, out var token) || token.Length is 0 or > 512)
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
        var back = Request.Path.StartsWithSegments("/ui") ? (Request.PathBase + Request.Path + Request.QueryString).ToString() : "/ui";
        Response.Redirect($"{SignInPath}?returnUrl={Uri.EscapeDataString(back)}");
        return Task.CompletedTask;
    }

    /// <summary>The cookie as sign-in writes it: script never reads it, other sites never send it.</summary>
    public static CookieOptions CookieOptions(HttpRequest request) => new()
    {
        // The whole site: the UI's pages and circuit, and the IDE gateway's /ides/{id}/... paths.
        // The REST API ignores it (it reads the Authorization header only), so it opens no CSRF door there.
        Path = "/",
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        IsEssential = true,
    };
}
