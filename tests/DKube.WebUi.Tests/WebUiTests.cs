using System.Globalization;
using System.Net;
using System.Text;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;
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
            // The UI's own cookie, for /ui only: never the gateway's dkube_token, never the whole site.
            var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "dkube_ui");
            Assert.Equal("/ui", cookie.Path);
            Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "dkube_token");
            Assert.True(cookie.HttpOnly);
            Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
            Assert.DoesNotContain(alice.Client.Token!, await page.EvaluateAsync<string>("document.cookie"), StringComparison.Ordinal);

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/ui/signin", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            await Expect(page.Locator("#token")).ToBeVisibleAsync();
            Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "dkube_ui");
        }
    }

    [Fact]
    public async Task A_run_submitted_through_the_API_appears_live_and_reaches_Complete_without_a_reload_and_another_groups_never_shows()
    {
        using var alice = await fixture.Live.NewTenantAsync(gpus: 1);
        using var bob = await fixture.Live.NewTenantAsync(gpus: 1);
        var page = await fixture.SignInAsync(alice);
        await page.GotoAsync("/ui/runs");
        await Expect(page.GetByTestId("runs")).ToBeVisibleAsync();
        // Marks this document: a reload would lose it.
        await page.EvaluateAsync("window.__sameDocument = true");

        var bobs = (await bob.Submit("bobs-run", 0, "true")).Expect(HttpStatusCode.Created)["id"];
        // The first run holds the group's one GPU until the test stops it (not for a fixed time, which a
        // slow page could miss), so the second waits, and then runs by itself.
        var holder = (await alice.Submit("holder", 1, "sleep 600")).Expect(HttpStatusCode.Created)["id"];
        var waiter = (await alice.Submit("waiter", 1, "echo hello-from-the-run")).Expect(HttpStatusCode.Created)["id"];

        var row = page.GetByTestId($"run-status-{waiter}");
        await Expect(row).ToHaveTextAsync("WaitingForGpus");
        await FixtureScreenshot(page, "runs-waiting");
        (await alice.Client.Post($"runs/{holder}/stop")).Expect(HttpStatusCode.OK);
        await Expect(row).ToHaveTextAsync("Complete");
        await Expect(page.GetByTestId($"run-status-{holder}")).ToHaveTextAsync("Stopped");
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"), "the page was reloaded");
        await bob.WaitForStatus(bobs, "Complete");

        // Bob's run ended before alice's did: had it been shown to her, it would be on the page now.
        Assert.Equal(0, await page.Locator($"[data-run='{bobs}']").CountAsync());
        var text = await page.ContentAsync();
        Assert.DoesNotContain(bob.User, text, StringComparison.Ordinal);
        Assert.DoesNotContain(bob.Group, text, StringComparison.Ordinal);
        await FixtureScreenshot(page, "runs");

        // The run's page: its status and its log.
        await page.ClickAsync($"a[data-run='{waiter}']");
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("Complete");
        await Expect(page.Locator("#log")).ToContainTextAsync("hello-from-the-run");
        await FixtureScreenshot(page, "run");

        // And bob's run is not there for alice even by its address.
        await page.GotoAsync($"/ui/runs/{bobs}");
        await Expect(page.Locator("[role=alert]")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("status")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_dashboards_GPU_figure_changes_live_when_a_GPU_run_starts()
    {
        using var alice = await fixture.Live.NewTenantAsync(gpus: 4);
        var page = await fixture.SignInAsync(alice);
        var used = page.GetByTestId($"gpus-used-{alice.Group}");
        await Expect(used).ToHaveTextAsync("0");
        await page.EvaluateAsync("window.__sameDocument = true");

        var run = (await alice.Submit("gpu-run", 2, "sleep 600")).Expect(HttpStatusCode.Created)["id"];
        await Expect(used).ToHaveTextAsync("2");
        await Expect(page.GetByTestId($"user-gpus-{alice.User}")).ToHaveTextAsync("2");
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"), "the page was reloaded");
        await FixtureScreenshot(page, "dashboard");

        (await alice.Client.Post($"runs/{run}/stop")).Expect(HttpStatusCode.OK);
        await Expect(used).ToHaveTextAsync("0");
    }

    [Fact]
    public async Task An_ide_opened_from_the_ui_gets_its_own_cookie_and_the_browser_never_sends_it_the_ui_cookie()
    {
        using var alice = await fixture.Live.NewTenantAsync(gpus: 1);
        var ide = await EchoIde.StartAsync(alice);
        var page = await fixture.SignInAsync(alice);
        // Every request the browser makes to the IDE's paths, as it sent it.
        var sent = new List<Microsoft.Playwright.IRequest>();
        page.Context.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath.StartsWith($"/ides/{ide}/", StringComparison.Ordinal))
            {
                lock (sent)
                {
                    sent.Add(request);
                }
            }
        };

        await page.GotoAsync("ui/ides");
        var open = page.GetByTestId($"open-{ide}").GetByRole(AriaRole.Button, new() { Name = "Open" });
        await Expect(open).ToBeEnabledAsync();
        await FixtureScreenshot(page, "ides-running");
        await open.ClickAsync();
        await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == $"/ides/{ide}/lab/", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        // The echo server may still be starting: the gateway says 503 until it answers.
        await Eventually.Until(async () =>
        {
            if (await page.Locator("#headers").CountAsync() == 0)
            {
                await page.ReloadAsync();
            }

            return await page.Locator("#headers").CountAsync();
        }, n => n > 0, what: "the echo server's page");
        var received = await page.Locator("#headers").TextContentAsync() ?? "";
        await FixtureScreenshot(page, "ide-echo");

        // What the browser sent: the IDE's cookie (which the gateway removed before the IDE's server), never the UI's.
        Microsoft.Playwright.IRequest[] requests;
        lock (sent)
        {
            requests = [.. sent];
        }

        Assert.NotEmpty(requests);
        var sentCookies = new List<string>();
        foreach (var request in requests)
        {
            sentCookies.Add((await request.AllHeadersAsync()).GetValueOrDefault("cookie") ?? "");
        }

        Assert.All(sentCookies, c => Assert.DoesNotContain("dkube_ui=", c, StringComparison.Ordinal));
        Assert.Contains(sentCookies, c => c.Contains("dkube_token=", StringComparison.Ordinal));
        Assert.DoesNotContain("dkube_ui", received, StringComparison.Ordinal);
        Assert.DoesNotContain(alice.Client.Token!, received, StringComparison.Ordinal);
        var cookies = await page.Context.CookiesAsync();
        Assert.Equal($"/ides/{ide}/", Assert.Single(cookies, c => c.Name == "dkube_token").Path);
        Assert.Equal("/ui", Assert.Single(cookies, c => c.Name == "dkube_ui").Path);
        // The IDE's server could not plant either.
        Assert.DoesNotContain(cookies, c => c.Value == "planted");

        // A script of the IDE's page (same origin) gets no further with the cookies the browser holds:
        // the REST API wants a bearer token, a page of the UI answers navigations only, another IDE 401.
        var api = await page.EvaluateAsync<int>("fetch('/api/v1/runs').then(r => r.status)");
        var uiPage = await page.EvaluateAsync<int>("fetch('/ui/runs').then(r => r.status)");
        var otherIde = await page.EvaluateAsync<int>("fetch('/ides/i-000000000000/lab/').then(r => r.status)");
        Assert.Equal(401, api);
        Assert.Equal(403, uiPage);
        Assert.Equal(401, otherIde);
        (await alice.Client.Post($"ides/{ide}/stop")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_run_submitted_from_the_form_goes_WaitingForGpus_Running_Complete_without_a_reload_and_its_page_charts_its_metrics()
    {
        using var alice = await fixture.Live.NewTenantAsync(gpus: 1);
        var page = await fixture.SignInAsync(alice);
        await page.GotoAsync("ui/runs");
        await Expect(page.GetByTestId("runs")).ToBeVisibleAsync();
        await page.EvaluateAsync("window.__sameDocument = true");
        // The group's one GPU is held until the test stops the holder, so the form's run waits first.
        var holder = (await alice.Submit("holder", 1, "sleep 600")).Expect(HttpStatusCode.Created)["id"];
        await alice.WaitForStatus(holder, "Running");

        // The run writes three metrics records and its log line, then runs until the test says so (a run
        // of its group named ui-go-signal, seen through the API with the run's own token; split by quotes,
        // so the run's own command, which the listing shows, does not match): no fixed time for a busy
        // page to miss.
        const string command = "for i in 1 2 3; do echo \"{\\\"step\\\": $i, \\\"loss\\\": 0.$((10-i))}\" >> \"$DKUBE_METRICS_FILE\"; done; echo hello-from-the-form; "
            + "until curl -sf -H \"Authorization: Bearer $DKUBE_TOKEN\" \"$DKUBE_URL/api/v1/runs?limit=200\" | grep -q ui-go-sig\"\"nal; do sleep 0.2; done";
        // Fluent's text fields keep their <input> in their shadow root (Playwright's CSS reaches into it).
        await page.FillAsync("#run-name input", "from-the-form");
        await page.FillAsync("#run-command input", command);
        await page.FillAsync("#run-gpus input", "1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();

        var link = page.Locator("a[data-run]", new PageLocatorOptions { HasText = "from-the-form" });
        var id = await link.GetAttributeAsync("data-run");
        var status = page.GetByTestId($"run-status-{id}");
        await Expect(status).ToHaveTextAsync("WaitingForGpus");
        await FixtureScreenshot(page, "runs-submitted");
        (await alice.Client.Post($"runs/{holder}/stop")).Expect(HttpStatusCode.OK);
        await Expect(status).ToHaveTextAsync("Running");
        (await alice.Submit("ui-go-signal", 0, "true")).Expect(HttpStatusCode.Created);
        await Expect(status).ToHaveTextAsync("Complete");
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"), "the page was reloaded");

        await link.ClickAsync();
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("Complete");
        await Expect(page.Locator("#log")).ToContainTextAsync("hello-from-the-form");
        // Its metrics as a chart: one line for loss over the three steps, none for the step itself.
        var loss = page.Locator("figure.chart[data-series='loss']");
        await Expect(loss.Locator("circle")).ToHaveCountAsync(3);
        await Expect(loss.Locator(".last")).ToHaveTextAsync("0.7");
        await Expect(page.Locator("figure.chart[data-series='step']")).ToHaveCountAsync(0);
        await FixtureScreenshot(page, "run-metrics");
    }

    [Fact]
    public async Task A_models_page_lists_its_versions_and_draws_the_lineage_back_to_the_uploaded_dataset()
    {
        using var alice = await fixture.Live.NewTenantAsync(gpus: 1);
        var raw = (await alice.Client.Post("datasets", new { name = "raw" })).Expect(HttpStatusCode.Created)["id"];
        (await alice.Client.Upload($"datasets/{raw}/versions", Archives.Tar(("data.csv", "a,b\n1,2\n")))).Expect(HttpStatusCode.Created);
        var model = (await alice.Client.Post("models", new { name = "clf" })).Expect(HttpStatusCode.Created)["id"];
        var train = (await alice.Client.Post("runs", new
        {
            name = "train",
            kind = "training",
            command = "cp in/data.csv \"$DKUBE_OUTPUT_DIR/model.csv\"",
            inputs = new { datasets = new[] { new { name = "raw", mountPath = "in" } } },
            output = new { model = "clf" },
            gpus = 0,
        })).Expect(HttpStatusCode.Created)["id"];
        await alice.WaitForStatus(train, "Complete");

        var page = await fixture.SignInAsync(alice);
        await page.GotoAsync("ui/repos/datasets");
        await Expect(page.GetByTestId("repos").Locator($"a[data-id='{raw}']")).ToBeVisibleAsync();
        await FixtureScreenshot(page, "repos");

        await page.GotoAsync($"ui/repos/models/{model}");
        await Expect(page.GetByTestId("versions").Locator("[data-version='1']")).ToBeVisibleAsync();
        // The model's version, made by the run from the uploaded dataset's version: two nodes, one arrow.
        await Expect(page.Locator("#lineage g.node")).ToHaveCountAsync(2);
        await Expect(page.Locator("#lineage g.node.uploaded")).ToHaveCountAsync(1);
        await Expect(page.Locator($"#lineage line.edge[data-run='{train}']")).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator("[role=alert]").CountAsync());
        await FixtureScreenshot(page, "repo-lineage");
    }

    [Fact]
    public async Task The_monitors_page_charts_an_evaluated_monitors_score_and_its_fired_alert_and_another_group_sees_none_of_it()
    {
        using var alice = await fixture.Live.NewTenantAsync();
        using var bob = await fixture.Live.NewTenantAsync();
        var (deployment, monitor) = await MonitoredDeploymentAsync(alice, "clf");
        var (_, bobsMonitor) = await MonitoredDeploymentAsync(bob, "bobs-clf");

        // 50 predictions as the imported deployment's own server logged them, and ground truth for them.
        var random = new Random(1);
        var now = DateTimeOffset.UtcNow;
        var lines = new StringBuilder();
        var truth = new StringBuilder("requestId,label\n");
        for (var i = 0; i < 50; i++)
        {
            var (x0, x1) = MonitorSamples.Instance(random, 0);
            var y = x0 > 0.5 ? 1 : 0;
            lines.Append(CultureInfo.InvariantCulture, $$"""{"requestId": "r{{i}}", "at": "{{now.AddSeconds(i - 60):O}}", "inputs": [[{{x0}}, {{x1}}]], "outputs": [{{y}}]}""").Append('\n');
            truth.Append(CultureInfo.InvariantCulture, $"r{i},{(i < 20 ? 1 - y : y)}\n");
        }

        (await alice.Client.SendRaw(HttpMethod.Post, $"deployments/{deployment}/predictions", lines.ToString(), "application/x-ndjson")).Expect(HttpStatusCode.OK);
        (await alice.Client.SendRaw(HttpMethod.Post, $"monitors/{monitor}/groundtruth", truth.ToString(), "text/csv")).Expect(HttpStatusCode.OK);
        // One health evaluation now: its scores, and the alert (requests >= 0) fires.
        var evaluated = (await alice.Client.Post($"monitors/{monitor}/evaluate?component=health")).Expect(HttpStatusCode.OK).Items.Single()!;
        Assert.NotEmpty(evaluated["scores"]!.AsObject());
        Assert.Equal("firing", (await alice.Client.Get($"monitors/{monitor}/alerts")).Expect(HttpStatusCode.OK).Items.Single()!["state"]!.ToString());

        var page = await fixture.SignInAsync(alice);
        await page.GotoAsync("ui/monitors");
        var card = page.Locator($"[data-monitor='{monitor}']");
        // A chart per health score: the one evaluation, drawn as one point each.
        var charts = card.Locator("figure.chart[data-series^='health: ']");
        await Expect(charts.First).ToBeVisibleAsync();
        Assert.Equal(await charts.CountAsync(), await card.Locator("figure.chart[data-series^='health: '] circle.point").CountAsync());
        // The fired alert, with its state as a badge.
        var alerts = card.GetByTestId($"alerts-{monitor}");
        await Expect(alerts).ToContainTextAsync("traffic-seen");
        await Expect(alerts.Locator(".status")).ToHaveTextAsync("firing");
        await Expect(page.GetByTestId("monitors")).ToContainTextAsync(alice.User);
        Assert.Equal(0, await page.Locator("[role=alert]").CountAsync());
        await FixtureScreenshot(page, "monitors-alert");

        // Bob, of another group, sees his own monitor (so the page has read its listing) and nothing of alice's.
        var bobsPage = await fixture.SignInAsync(bob);
        await bobsPage.GotoAsync("ui/monitors");
        await Expect(bobsPage.Locator($"[data-monitor='{bobsMonitor}']")).ToBeVisibleAsync();
        await Expect(bobsPage.Locator($"[data-monitor='{bobsMonitor}']")).ToContainTextAsync("No alerts.");
        Assert.Equal(0, await bobsPage.Locator($"[data-monitor='{monitor}']").CountAsync());
        var text = await bobsPage.ContentAsync();
        Assert.DoesNotContain(monitor, text, StringComparison.Ordinal);
        Assert.DoesNotContain(alice.User, text, StringComparison.Ordinal);
        Assert.DoesNotContain("firing", text, StringComparison.Ordinal);
        await FixtureScreenshot(bobsPage, "monitors-other-group");
    }

    /// <summary>An imported deployment of <paramref name="tenant"/>'s with a classification monitor on it whose health alert fires at its first evaluation.</summary>
    private static async Task<(string Deployment, string Monitor)> MonitoredDeploymentAsync(Tenant tenant, string name)
    {
        var deployment = (await tenant.Client.Post("deployments/import", new { name, url = $"https://models.example.com/{name}" })).Expect(HttpStatusCode.Created)["id"];
        var dataset = (await tenant.Client.Post("datasets", new { name = $"{name}-baseline" })).Expect(HttpStatusCode.Created)["id"];
        (await tenant.Client.Upload($"datasets/{dataset}/versions", Archives.Tar(("train.csv", MonitorSamples.BaselineCsv(new Random(7), 200))))).Expect(HttpStatusCode.Created);
        var monitor = (await tenant.Client.Post("monitors", new
        {
            deployment,
            modelType = "classification",
            baseline = new { dataset = $"{name}-baseline" },
            alerts = new[] { new { name = "traffic-seen", on = "health", conditions = new[] { new { metric = "requests", op = ">=", value = 0 } } } },
        })).Expect(HttpStatusCode.Created)["id"];
        return (deployment, monitor);
    }

    [Theory]
    [InlineData("ui/ides", "IDEs")]
    [InlineData("ui/pool", "Group pools")]
    [InlineData("ui/deployments", "Deployments")]
    [InlineData("ui/models", "Models")]
    [InlineData("ui/monitors", "Monitors")]
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
            await Expect(page.Locator($"section[data-pool='{alice.Group}']").GetByTestId($"position-{queued}")).ToHaveTextAsync("1");
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
