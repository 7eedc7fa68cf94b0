using Microsoft.Playwright;

namespace NaltrexoneFhir.Playground.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download: ExecutablePath points at /usr/bin/chromium, which
/// .ci/run installs), plus the service on a loopback port. One browser for the class, a fresh page per test.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public LivePlaygroundServer Server { get; } = new();
    public IBrowser Browser { get; private set; } = null!;
    private IPlaywright? _playwright;

    /// <summary>Where screenshots go: the test output folder (a CI artifact).</summary>
    public static string ArtifactsDirectory => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("PLAYGROUND_CHROMIUM") is { Length: > 0 } custom ? custom : ChromiumPath;
        if (!File.Exists(executable))
            throw new InvalidOperationException($"Chromium not found at {executable}: install it with 'apt-get install -y chromium' (.ci/run does) or set PLAYGROUND_CHROMIUM.");
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Timeout = 60_000,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
    }

    public async Task<IPage> NewPageAsync()
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1360, Height = 1000 } });
        page.SetDefaultTimeout(30_000);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Server.DisposeAsync();
    }
}
