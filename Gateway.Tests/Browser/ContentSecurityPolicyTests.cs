using Gateway.Tests.Fakes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.Browser;

/// <summary>The page works under its own Content-Security-Policy (SPEC §9): served with it, and nothing it does is blocked.</summary>
public class ContentSecurityPolicyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    // Installed before any of the page's scripts runs, so a violation during load is caught too.
    private const string CollectViolations =
        "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', " +
        "e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));";

    [Fact]
    public async Task Page_SignInChartBreakdownPlayground_NoCspViolation()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(5m));
        await Traffic.ChatAsync(host, key);
        await Traffic.WaitForRowsAsync(host, 3);
        await using var context = await browser.NewContextAsync();
        await context.AddInitScriptAsync(CollectViolations);
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };

        var document = await page.GotoAsync(new Uri(host.Address, "/?range=today").ToString());
        await page.GetByLabel("Admin key or API key").FillAsync(GatewayHost.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#logs-body tr.log").Filter(new() { HasText = "test-model" })).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => window.Chart && Chart.getChart('chart')?.data.datasets.length > 0");
        await page.Locator("#logs-body tr.log").Filter(new() { HasText = "test-model" }).ClickAsync();
        await Expect(page.Locator("#logs-body tr.detail .final-spend")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Playground" }).ClickAsync();
        await Expect(page.Locator("#pg-note")).ToBeVisibleAsync();

        (await document!.HeaderValueAsync("content-security-policy")).Should().Contain("script-src 'self'").And.Contain("frame-ancestors 'none'");
        (await page.EvaluateAsync<string[]>("window.__cspViolations")).Should().BeEmpty();
        consoleErrors.Should().NotContain(e => e.Contains("Content Security Policy"));
        // The listener would have seen one: an inline script added now is blocked and reported.
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true'; document.head.append(s); }");
        await page.WaitForFunctionAsync("() => window.__cspViolations.length > 0");
        (await page.EvaluateAsync<bool>("window.__inlineRan === true")).Should().BeFalse();
    }

    [Fact]
    public async Task Console_EveryViewDialogAndTheSecret_NoCspViolation()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(5m);
        await using var context = await browser.NewContextAsync();
        await context.AddInitScriptAsync(CollectViolations);
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.Address.ToString());
        await page.GetByLabel("Admin key or API key").FillAsync(GatewayHost.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await page.GetByRole(AriaRole.Tab, new() { Name = "Accounts" }).ClickAsync();
        await Expect(page.Locator("#accounts-body tr")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Top up" }).ClickAsync();
        await page.Locator("dialog[open]").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Keys" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New key" }).ClickAsync();
        var dialog = page.Locator("dialog[open]");
        await dialog.GetByLabel("Account", new() { Exact = true }).FillAsync(account.ToString());
        await dialog.GetByLabel("Name").FillAsync("csp");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(page.Locator("#key-secret")).ToBeVisibleAsync();
        var secret = await page.Locator("#key-secret-value").TextContentAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke key csp" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Models & prices" }).ClickAsync();
        await Expect(page.Locator("#models-body tr")).Not.ToHaveCountAsync(0);
        await page.SetViewportSizeAsync(390, 844);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GetByLabel("Admin key or API key").FillAsync(secret!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "My key" }).ClickAsync();
        await Expect(page.Locator("#own-key dd").First).ToHaveTextAsync("csp");

        (await page.EvaluateAsync<string[]>("window.__cspViolations")).Should().BeEmpty();
    }
}
