using Microsoft.Playwright;

namespace Gateway.Tests.Browser;

/// <summary>
/// One headless Chromium per test class, Debian's own build at <see cref="ChromiumPath"/> (test.sh
/// installs it; Playwright never downloads a browser). Each test opens its own context on it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>A zone other than the machine's UTC, so "time in the viewer's zone" is visible.</summary>
    public const string ViewerTimeZone = "America/New_York";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ./test.sh (it installs Debian's chromium) or apt-get install -y chromium.");
        // The machine is shared and slow at times: give the page room before an expectation fails.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    public async Task<IBrowserContext> NewContextAsync() =>
        await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            TimezoneId = ViewerTimeZone,
            Locale = "en-US",
            AcceptDownloads = true,
        });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
