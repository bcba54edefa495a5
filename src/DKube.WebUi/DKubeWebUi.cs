using DKube.Api.Ides;
using DKube.WebUi.Components;
using DKube.WebUi.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.WebUi;

/// <summary>
/// The web UI at <c>/ui</c>: Blazor components rendered interactively on the server, in the process
/// that serves the API. A page's circuit calls the REST API as the signed-in user and follows this
/// process's live feed in-process, so the browser holds no token and no client-side copy of any rule.
/// </summary>
public static class DKubeWebUi
{
    public const string BasePath = "/ui";

    private const string Policy = "dkube-ui";

    public static IServiceCollection AddDKubeWebUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        // The default scheme, so that the circuit's connection (/_blazor, negotiate and WebSocket) carries
        // the signed-in user too. A request without the cookie costs a dictionary look-up; the REST API
        // does not use it (its bearer filter authenticates on its own).
        services.AddAuthentication(UiAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, UiAuthentication>(UiAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(UiAuthentication.SchemeName).RequireAuthenticatedUser());
        services.AddSingleton<UiBackend>();
        services.AddScoped<DKubeUiClient>();
        return services;
    }

    public static WebApplication MapDKubeWebUi(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        // Validates only endpoints that bind forms (the sign-in form); the REST API binds none.
        app.UseAntiforgery();
        // Every page and the circuit's hub (/_blazor) need a signed-in browser; sign-in itself is [AllowAnonymous].
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization(Policy);
        app.MapWebUiScript();
        app.MapPost($"{BasePath}/signout", (HttpContext http) =>
        {
            http.Response.Cookies.Delete(GatewayForwarder.TokenCookie, UiAuthentication.CookieOptions(http.Request));
            return TypedResults.Redirect(UiAuthentication.SignInPath);
        }).ExcludeFromDescription();
        app.MapGet("/", () => TypedResults.Redirect(BasePath)).ExcludeFromDescription();
        return app;
    }
}
