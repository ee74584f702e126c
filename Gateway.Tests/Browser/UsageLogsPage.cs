using System.Runtime.CompilerServices;
using Gateway.Tests.Fakes;
using Microsoft.Playwright;

namespace Gateway.Tests.Browser;

/// <summary>
/// The Usage Logs page in one browser context, with the actions the tests take on it. Disposing it
/// saves a screenshot named after the test (pass or fail) under the test output's screenshots/.
/// </summary>
public sealed class UsageLogsPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly string _name;

    private UsageLogsPage(IBrowserContext context, IPage page, string name)
    {
        _context = context;
        Page = page;
        _name = name;
    }

    public IPage Page { get; }

    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public ILocator Rows => Page.Locator("#logs-body tr.log");

    public ILocator Breakdown => Page.Locator("#logs-body tr.detail");

    public static async Task<UsageLogsPage> OpenAsync(BrowserFixture browser, GatewayHost host, string query = "",
        [CallerMemberName] string name = "")
    {
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(host.Address, "/" + query).ToString());
        return new UsageLogsPage(context, page, name);
    }

    /// <summary>Opens the page and signs in with <paramref name="key"/> (the admin key or an API key), waiting for the logs.</summary>
    public static async Task<UsageLogsPage> OpenSignedInAsync(BrowserFixture browser, GatewayHost host, string key,
        [CallerMemberName] string name = "")
    {
        var ui = await OpenAsync(browser, host, name: name);
        await ui.SignInAndWaitAsync(key);
        return ui;
    }

    public async Task SignInAsync(string key)
    {
        await Page.GetByLabel("Admin key or API key").FillAsync(key);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Signs in and waits until the table has left its loading state.</summary>
    public async Task SignInAndWaitAsync(string key)
    {
        await SignInAsync(key);
        await Assertions.Expect(Page.Locator("#app")).ToBeVisibleAsync();
        await WaitLoadedAsync();
    }

    public async Task WaitLoadedAsync() =>
        await Assertions.Expect(Page.Locator("#logs")).Not.ToHaveAttributeAsync("aria-busy", "true");

    public ILocator RowWith(string text) => Rows.Filter(new() { HasText = text });

    /// <summary>Selects a view by its tab's name ("Accounts", "Keys", "Models &amp; prices", "My key") and returns its panel.</summary>
    public async Task<ILocator> OpenTabAsync(string name)
    {
        await Page.GetByRole(AriaRole.Tab, new() { Name = name, Exact = true }).ClickAsync();
        var panel = Page.GetByRole(AriaRole.Tabpanel, new() { Name = name, Exact = true });
        await Assertions.Expect(panel).ToBeVisibleAsync();
        return panel;
    }

    /// <summary>The open modal dialog, e.g. "New key", "Revoke key “ci”?".</summary>
    public ILocator Dialog => Page.Locator("dialog[open]");

    /// <summary>True when nothing on the page is wider than the window (no horizontal scrollbar).</summary>
    public async Task<bool> FitsWidthAsync() =>
        await Page.EvaluateAsync<bool>("() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth");

    public async Task SaveScreenshotAsync(string suffix = "")
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(ScreenshotDirectory, $"{_name}{suffix}.png"),
            FullPage = true,
        });
    }

    public async ValueTask DisposeAsync()
    {
        try { await SaveScreenshotAsync(); } catch (PlaywrightException) { /* the page is gone; the test's own failure says why */ }
        await _context.DisposeAsync();
    }
}
