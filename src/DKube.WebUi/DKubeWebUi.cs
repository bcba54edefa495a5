using DKube.Abstractions.Workloads;
using DKube.Api.Ides;
using DKube.Api.Problems;
using DKube.WebUi.Components;
using DKube.WebUi.Services;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace DKube.WebUi;

/// <summary>
/// The web UI at <c>/ui</c>: Blazor components rendered interactively on the server, in the process
/// that serves the API. A page's circuit calls the REST API as the signed-in user and follows this
/// process's live feed in-process, so the browser holds no token and no client-side copy of any rule.
/// Everything the UI serves (pages, the circuit's hub <c>/ui/_blazor</c>, Blazor's script) is under
/// <c>/ui</c>, so its sign-in cookie is scoped there and reaches nothing else of the origin.
/// </summary>
public static class DKubeWebUi
{
    public const string BasePath = "/ui";

    private const string Policy = "dkube-ui";

    public static IServiceCollection AddDKubeWebUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddFluentUIComponents();
        // The default scheme, so that the circuit's connection (/ui/_blazor, negotiate and WebSocket)
        // carries the signed-in user too. It reads its cookie under /ui only; the REST API does not
        // use it (its bearer filter authenticates on its own).
        services.AddAuthentication(UiAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, UiAuthentication>(UiAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(UiAuthentication.SchemeName).RequireAuthenticatedUser());
        // The forms' antiforgery cookie belongs to the UI's forms only.
        services.AddAntiforgery(o => o.Cookie.Path = BasePath);
        services.AddSingleton<UiBackend>();
        services.AddScoped<DKubeUiClient>();
        return services;
    }

    public static WebApplication MapDKubeWebUi(this WebApplication app)
    {
        app.UseWhen(http => http.Request.Path.StartsWithSegments(BasePath), ui => ui.Use(UiResponseGuard.InvokeAsync));
        app.UseAuthentication();
        app.UseAuthorization();
        // Validates only endpoints that bind forms (the sign-in form); the REST API binds none.
        app.UseAntiforgery();
        var ui = app.MapGroup(BasePath);
        // Every page and the circuit's hub (/ui/_blazor) need a signed-in browser; sign-in itself is [AllowAnonymous].
        ui.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization(Policy);
        ui.MapWebUiAssets();
        ui.MapGet("/signin", (HttpContext http, IAntiforgery antiforgery, string? returnUrl) => SignInForm(http, antiforgery, returnUrl, null))
            .ExcludeFromDescription();
        // The token is posted once (with the form's antiforgery token, checked by UseAntiforgery for a
        // form-bound endpoint), checked as the API checks a bearer token, and kept in the UI's cookie only:
        // never in a URL, never where script reads it.
        ui.MapPost("/signin", async (HttpContext http, IAntiforgery antiforgery, GatewayAccess access, [FromForm(Name = "token")] string? token, [FromQuery] string? returnUrl) =>
        {
            token = token?.Trim() ?? "";
            if (token.Length is 0 or > 512 || await access.CallerOfAsync(token, http.RequestAborted) is null)
            {
                return SignInForm(http, antiforgery, returnUrl, "That token is not valid.");
            }

            http.Response.Cookies.Append(UiAuthentication.CookieName, token, UiAuthentication.CookieOptions(http.Request));
            return TypedResults.Redirect(PageOrHome(returnUrl));
        }).ExcludeFromDescription();
        ui.MapPost("/signout", (HttpContext http) =>
        {
            http.Response.Cookies.Delete(UiAuthentication.CookieName, UiAuthentication.CookieOptions(http.Request));
            return TypedResults.Redirect(UiAuthentication.SignInPath);
        }).ExcludeFromDescription();
        // Opening an IDE: the gateway's cookie for that IDE's paths only, then its page. A form post with
        // the antiforgery token of the IDEs page, so no other page of the origin can make the browser open one.
        ui.MapPost("/ides/{id}/open", async (string id, HttpContext http, GatewayAccess access, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return (IResult)ProblemResults.Result(StatusCodes.Status400BadRequest, "antiforgery", "Open an IDE from the IDEs page of the web UI.");
            }

            var token = http.User.FindFirst(UiAuthentication.TokenClaim)!.Value;
            var caller = await access.CallerOfAsync(token, http.RequestAborted) ?? throw new InvalidOperationException("Signed in without a caller.");
            var view = await access.VisibleAsync(id, WorkloadType.Ide, caller);
            IdeGateway.SignIn(http, view.Id, token);
            return TypedResults.Redirect(GatewayPaths.IdeLab(view.Id));
        }).RequireAuthorization(Policy).DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/", () => TypedResults.Redirect(BasePath)).ExcludeFromDescription();
        return app;
    }

    private static IResult SignInForm(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error) =>
        new RazorComponentResult<SignInForm>(new Dictionary<string, object?>
        {
            [nameof(Components.SignInForm.FormToken)] = antiforgery.GetAndStoreTokens(http).RequestToken,
            [nameof(Components.SignInForm.ReturnUrl)] = returnUrl,
            [nameof(Components.SignInForm.Error)] = error,
        });

    /// <summary>Back only to a page of the UI: an open redirect would hand the signed-in browser elsewhere.</summary>
    private static string PageOrHome(string? url) =>
        url is not null && (url == BasePath || url.StartsWith(BasePath + "/", StringComparison.Ordinal)) && !url.Contains('\\') && !url.Contains("//", StringComparison.Ordinal)
            ? url
            : BasePath;
}
