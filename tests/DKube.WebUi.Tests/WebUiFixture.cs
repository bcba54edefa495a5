using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Live;
using Microsoft.Playwright;

namespace DKube.WebUi.Tests;

/// <summary>The live server (local cluster of virtual GPUs, utilization sampled every second) and one headless Chromium.</summary>
public sealed class WebUiFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public LiveFixture Live { get; } = new();

    public Uri Url => Live.Server.Url;

    /// <summary>Screenshots of each page, kept as the run's artefacts.</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        await Live.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            // Debian's build (apt `chromium`, .ci/run); Playwright's own browser download cannot be reached.
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/lib/chromium/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        // Waits on what the page shows, never sleeps: generous, as two busy cores may be slow to render.
        Assertions.SetDefaultExpectTimeout((float)Eventually.DefaultTimeout.TotalMilliseconds);
    }

    /// <summary>A browser of its own for <paramref name="tenant"/>, signed in through the form.</summary>
    public async Task<IPage> SignInAsync(Tenant tenant)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/ui/signin");
        await page.FillAsync("#token", tenant.Client.Token!);
        await page.ClickAsync("#signin");
        // The redirect's URL, then what the circuit renders: not the document's load event, which a
        // busy machine may deliver long after the page is usable.
        await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/ui", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync(tenant.User);
        return page;
    }

    /// <summary>A page in a browser context of its own (no cookies shared with any other).</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = Url.ToString() });
        context.SetDefaultTimeout((float)Eventually.DefaultTimeout.TotalMilliseconds);
        return await context.NewPageAsync();
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Live.DisposeAsync();
    }
}
