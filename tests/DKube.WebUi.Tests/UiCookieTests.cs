using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.WebUi.Tests;

/// <summary>
/// The UI's sign-in cookie (<c>dkube_ui</c>, path <c>/ui</c>) and the gateway's per-IDE cookie
/// (<c>dkube_token</c>) are each a credential in their own place only, over plain HTTP as a script
/// in an IDE's page could send them; and what an IDE's server answers cannot plant either.
/// </summary>
public sealed class UiCookieTests(WebUiFixture fixture) : IClassFixture<WebUiFixture>
{
    [Fact]
    public async Task The_ui_cookie_opens_no_ide_and_no_api_and_the_ide_cookie_opens_no_ui_page()
    {
        using var alice = await fixture.Live.NewTenantAsync(gpus: 1);
        var ide = await EchoIde.StartAsync(alice);
        var token = alice.Client.Token!;
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = fixture.Url };

        // The IDE's own cookie gets through its gateway (once its server answers): the contrast for what follows.
        var withIdeCookie = await Eventually.Until(() => SendAsync(http, $"/ides/{ide}/lab/", $"dkube_token={token}"), r => r.StatusCode == HttpStatusCode.OK, what: "the echo server");
        Assert.DoesNotContain(token, await withIdeCookie.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The UI's cookie is no credential at the gateway, nor at the REST API, nor at the live feed.
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, $"/ides/{ide}/lab/", $"dkube_ui={token}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, $"/ides/{ide}/lab/x", $"dkube_ui={token}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, "/api/v1/runs", $"dkube_ui={token}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, "/api/v1/ides", $"dkube_ui={token}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, "/api/v1/feeds/events", $"dkube_ui={token}")).StatusCode);

        // The IDE's cookie is no credential for the UI (a page of it goes to sign-in) nor for the REST API.
        var uiWithIdeCookie = await SendAsync(http, "/ui/runs", $"dkube_token={token}");
        Assert.Equal(HttpStatusCode.Redirect, uiWithIdeCookie.StatusCode);
        Assert.StartsWith("/ui/signin", uiWithIdeCookie.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, "/api/v1/runs", $"dkube_token={token}")).StatusCode);

        // The UI's cookie where it belongs: a page, which no other page of the origin may frame or
        // fetch (fetch metadata says a script asked), only navigate to.
        var page = await SendAsync(http, "/ui/runs", $"dkube_ui={token}", ("Sec-Fetch-Dest", "document"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("same-origin", page.Headers.GetValues("Cross-Origin-Opener-Policy").Single());
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, "/ui/runs", $"dkube_ui={token}", ("Sec-Fetch-Dest", "empty"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, "/ui/runs", $"dkube_ui={token}", ("Sec-Fetch-Dest", "iframe"))).StatusCode);
        // The circuit's script is under /ui too, where the cookie's path covers the circuit.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, "/ui/_framework/blazor.web.js", null)).StatusCode);

        // Opening an IDE through the UI needs the IDEs page's antiforgery token: another page of the
        // origin cannot make the signed-in browser open one.
        using var open = new HttpRequestMessage(HttpMethod.Post, $"/ui/ides/{ide}/open") { Content = new FormUrlEncodedContent([]) };
        open.Headers.Add("Cookie", $"dkube_ui={token}");
        var forged = await http.SendAsync(open);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False(forged.Headers.Contains("Set-Cookie") && forged.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("dkube_token=", StringComparison.Ordinal)));

        (await alice.Client.Post($"ides/{ide}/stop")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_ides_server_can_neither_plant_dkube_cookies_nor_widen_its_reach()
    {
        using var alice = await fixture.Live.NewTenantAsync(gpus: 1);
        var ide = await EchoIde.StartAsync(alice);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = fixture.Url };

        var answer = await Eventually.Until(() => SendAsync(http, $"/ides/{ide}/lab/", $"dkube_token={alice.Client.Token}; dkube_ui=forwarded; ide_own=sent"), r => r.StatusCode == HttpStatusCode.OK, what: "the echo server");
        var cookies = answer.Headers.TryGetValues("Set-Cookie", out var set) ? set.ToList() : [];
        Assert.Contains(cookies, c => c.StartsWith("ide_own=kept", StringComparison.Ordinal));
        Assert.DoesNotContain(cookies, c => c.StartsWith("dkube_ui=", StringComparison.Ordinal) || c.StartsWith("dkube_token=", StringComparison.Ordinal));
        Assert.False(answer.Headers.Contains("Service-Worker-Allowed"));
        Assert.False(answer.Headers.Contains("Cross-Origin-Opener-Policy"));

        // Neither DKube cookie reached the IDE's server; its own did.
        var received = await answer.Content.ReadAsStringAsync();
        Assert.Contains("ide_own=sent", received, StringComparison.Ordinal);
        Assert.DoesNotContain("dkube_ui", received, StringComparison.Ordinal);
        Assert.DoesNotContain("dkube_token", received, StringComparison.Ordinal);
        (await alice.Client.Post($"ides/{ide}/stop")).Expect(HttpStatusCode.OK);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string? cookie, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await http.SendAsync(request);
    }
}
