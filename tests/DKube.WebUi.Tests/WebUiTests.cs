using System.Net;
using DKube.Integration.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DKube.WebUi.Tests;

/// <summary>The web UI at /ui in headless Chromium against the real server: sign-in, live runs, live figures, isolation.</summary>
public sealed class WebUiTests(WebUiFixture fixture) : IClassFixture<WebUiFixture>
{
    [Fact]
    public async Task Signing_in_keeps_the_token_in_an_HttpOnly_cookie_and_a_wrong_token_is_refused()
    {
        using var alice = await fixture.Live.NewTenantAsync();
        var page = await fixture.NewPageAsync();
        await using (page.Context)
        {
            // A page of the UI without a cookie goes to the sign-in form.
            await page.GotoAsync("/ui/runs");
            Assert.Equal("/ui/signin", new Uri(page.Url).AbsolutePath);
            await page.FillAsync("#token", "dkt_not_a_token");
            await page.ClickAsync("#signin");
            await Expect(page.Locator("#signin-error")).ToHaveTextAsync("That token is not valid.");

            await page.FillAsync("#token", alice.Client.Token!);
            await page.ClickAsync("#signin");
            // Back where it was sent from, signed in as alice.
            await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/ui/runs", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            await Expect(page.Locator("#user")).ToHaveTextAsync(alice.User);
            Assert.DoesNotContain(alice.Client.Token!, page.Url, StringComparison.Ordinal);
            var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "dkube_token");
            Assert.True(cookie.HttpOnly);
            Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
            Assert.DoesNotContain(alice.Client.Token!, await page.EvaluateAsync<string>("document.cookie"), StringComparison.Ordinal);

            await page.ClickAsync("text=Sign out");
            await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/ui/signin", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            await Expect(page.Locator("#token")).ToBeVisibleAsync();
            Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "dkube_token");
        }
    }

    [Fact]
    public async Task A_run_submitted_through_the_API_appears_live_and_reaches_Complete_without_a_reload_and_another_groups_never_shows()
    {
        using var alice = await fixture.Live.NewTenantAsync(gpus: 1);
        using var bob = await fixture.Live.NewTenantAsync(gpus: 1);
        var page = await fixture.SignInAsync(alice);
        await page.GotoAsync("/ui/runs");
        await Expect(page.Locator("table#runs")).ToBeVisibleAsync();
        // Marks this document: a reload would lose it.
        await page.EvaluateAsync("window.__sameDocument = true");

        var bobs = (await bob.Submit("bobs-run", 0, "true")).Expect(HttpStatusCode.Created)["id"];
        // The first run holds the group's one GPU until the test stops it (not for a fixed time, which a
        // slow page could miss), so the second waits, and then runs by itself.
        var holder = (await alice.Submit("holder", 1, "sleep 600")).Expect(HttpStatusCode.Created)["id"];
        var waiter = (await alice.Submit("waiter", 1, "echo hello-from-the-run")).Expect(HttpStatusCode.Created)["id"];

        var row = page.Locator($"tr[data-run='{waiter}'] td.status");
        await Expect(row).ToHaveTextAsync("WaitingForGpus");
        await FixtureScreenshot(page, "runs-waiting");
        (await alice.Client.Post($"runs/{holder}/stop")).Expect(HttpStatusCode.OK);
        await Expect(row).ToHaveTextAsync("Complete");
        await Expect(page.Locator($"tr[data-run='{holder}'] td.status")).ToHaveTextAsync("Stopped");
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"), "the page was reloaded");
        await bob.WaitForStatus(bobs, "Complete");

        // Bob's run ended before alice's did: had it been shown to her, it would be on the page now.
        Assert.Equal(0, await page.Locator($"tr[data-run='{bobs}']").CountAsync());
        var text = await page.ContentAsync();
        Assert.DoesNotContain(bob.User, text, StringComparison.Ordinal);
        Assert.DoesNotContain(bob.Group, text, StringComparison.Ordinal);
        await FixtureScreenshot(page, "runs");

        // The run's page: its status and its log.
        await page.ClickAsync($"tr[data-run='{waiter}'] a");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Complete");
        await Expect(page.Locator("#log")).ToContainTextAsync("hello-from-the-run");
        await FixtureScreenshot(page, "run");

        // And bob's run is not there for alice even by its address.
        await page.GotoAsync($"/ui/runs/{bobs}");
        await Expect(page.Locator("[role=alert]")).ToBeVisibleAsync();
        await Expect(page.Locator("#status")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_dashboards_GPU_figure_changes_live_when_a_GPU_run_starts()
    {
        using var alice = await fixture.Live.NewTenantAsync(gpus: 4);
        var page = await fixture.SignInAsync(alice);
        var used = page.Locator($"tr[data-group='{alice.Group}'] td.gpus-used");
        await Expect(used).ToHaveTextAsync("0");
        await page.EvaluateAsync("window.__sameDocument = true");

        var run = (await alice.Submit("gpu-run", 2, "sleep 600")).Expect(HttpStatusCode.Created)["id"];
        await Expect(used).ToHaveTextAsync("2");
        await Expect(page.Locator($"tr[data-user='{alice.User}'] td.gpus")).ToHaveTextAsync("2");
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"), "the page was reloaded");
        await FixtureScreenshot(page, "dashboard");

        (await alice.Client.Post($"runs/{run}/stop")).Expect(HttpStatusCode.OK);
        await Expect(used).ToHaveTextAsync("0");
    }

    [Theory]
    [InlineData("ui/ides", "IDEs")]
    [InlineData("ui/pool", "Group pools")]
    [InlineData("ui/deployments", "Deployments")]
    [InlineData("ui/models", "Models")]
    public async Task Every_page_renders_its_listing_without_an_error(string path, string title)
    {
        using var alice = await fixture.Live.NewTenantAsync(gpus: 1);
        var page = await fixture.SignInAsync(alice);
        if (path == "ui/pool")
        {
            // Something in the queue: the pool page shows it with its position.
            (await alice.Submit("holder", 1)).Expect(HttpStatusCode.Created);
            var queued = (await alice.Submit("queued", 1)).Expect(HttpStatusCode.Created)["id"];
            await page.GotoAsync(path);
            await Expect(page.Locator($"section[data-pool='{alice.Group}'] tr[data-id='{queued}'] td.position")).ToHaveTextAsync("1");
        }
        else
        {
            await page.GotoAsync(path);
        }

        await Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await Expect(page.Locator("#user")).ToHaveTextAsync(alice.User);
        Assert.Equal(0, await page.Locator("[role=alert]").CountAsync());
        await FixtureScreenshot(page, path.Replace('/', '-'));
    }

    private static Task FixtureScreenshot(IPage page, string name) => WebUiFixture.ScreenshotAsync(page, name);
}
