using Gateway.Tests.EndToEnd;
using Gateway.Tests.Fakes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.Browser;

/// <summary>
/// Each console view at a desktop width (1280 px: nothing scrolls sideways) and a phone's (390 px: still
/// nothing scrolls sideways, and the view's main buttons are on screen and work). Screenshots of both are
/// saved under the test output's screenshots/.
/// </summary>
public class ConsoleLayoutTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    [Fact]
    public async Task Accounts_DesktopAndPhone_NoSidewaysScroll_ButtonsUsable()
    {
        await using var host = await StartWithDataAsync();
        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, GatewayHost.AdminKey);
        var panel = await ui.OpenTabAsync("Accounts");
        await Expect(panel.Locator("#accounts-body tr")).ToHaveCountAsync(2);

        await AtBothWidthsAsync(ui, "accounts", async () =>
        {
            await UsableAsync(ui, panel.GetByRole(AriaRole.Button, new() { Name = "Create account" }));
            await UsableAsync(ui, panel.GetByRole(AriaRole.Button, new() { Name = "Record IPs" }).First);
            await OpensDialogThatFitsAsync(ui, panel.GetByRole(AriaRole.Button, new() { Name = "Top up" }).First, "Top up");
        });
    }

    [Fact]
    public async Task Keys_DesktopAndPhone_NoSidewaysScroll_ButtonsUsable()
    {
        await using var host = await StartWithDataAsync();
        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, GatewayHost.AdminKey);
        var panel = await ui.OpenTabAsync("Keys");
        await Expect(panel.Locator("#keys-body tr")).ToHaveCountAsync(2);

        await AtBothWidthsAsync(ui, "keys", async () =>
        {
            await OpensDialogThatFitsAsync(ui, panel.GetByRole(AriaRole.Button, new() { Name = "New key" }), "Create key");
            await OpensDialogThatFitsAsync(ui, panel.GetByRole(AriaRole.Button, new() { Name = "Edit key" }).First, "Save changes");
            await OpensDialogThatFitsAsync(ui, panel.GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).First, "Revoke key");
        });
    }

    [Fact]
    public async Task Models_DesktopAndPhone_NoSidewaysScroll_ButtonsUsable()
    {
        await using var host = await StartWithDataAsync();
        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, GatewayHost.AdminKey);
        var panel = await ui.OpenTabAsync("Models & prices");
        await Expect(panel.Locator("#models-body tr[data-name='test-model']")).ToHaveCountAsync(1);

        await AtBothWidthsAsync(ui, "models", async () =>
        {
            await OpensDialogThatFitsAsync(ui, panel.GetByRole(AriaRole.Button, new() { Name = "New price override" }), "Save");
            await OpensDialogThatFitsAsync(ui, panel.GetByRole(AriaRole.Button, new() { Name = "Edit price of test-model" }), "Save");
        });
    }

    [Fact]
    public async Task MyKey_DesktopAndPhone_NoSidewaysScroll()
    {
        await using var host = await GatewayHost.StartAsync();
        var (_, secret) = await KeyPolicyHelpers.CreateKeyAsync(host, await host.CreateAccountAsync(5m),
            "\"models\":[\"test-model\",\"renamed-model\"],\"budget\":1,\"budget_period\":\"monthly\",\"ip_allowlist\":[\"127.0.0.0/8\",\"2001:db8:1234:5678::/64\"]",
            name: "a-key-with-a-rather-long-name-for-a-narrow-screen");
        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, secret);
        var panel = await ui.OpenTabAsync("My key");
        await Expect(panel.Locator("#own-key dd").First).ToHaveTextAsync("a-key-with-a-rather-long-name-for-a-narrow-screen");

        await AtBothWidthsAsync(ui, "my-key", async () =>
        {
            await UsableAsync(ui, ui.Page.GetByRole(AriaRole.Tab, new() { Name = "Usage logs" }));
            await UsableAsync(ui, ui.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }));
        });
    }

    /// <summary>Two accounts and two keys, one with every policy field and long values, so rows and cells are full.</summary>
    private static async Task<GatewayHost> StartWithDataAsync()
    {
        var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(123456.5m, "an-account-with-a-long-name-for-narrow-screens");
        await host.CreateAccountAsync(5m, "small");
        await KeyPolicyHelpers.CreateKeyAsync(host, account,
            "\"expires_at\":\"2099-01-01T00:00:00Z\",\"models\":[\"test-model\",\"renamed-model\"],\"budget\":100,\"budget_period\":\"monthly\","
            + "\"rpm\":600,\"tpm\":100000,\"ip_allowlist\":[\"10.0.0.0/8\",\"192.168.100.0/24\",\"2001:db8:1234:5678::/64\"]", name: "production-backend");
        await host.CreateKeyAsync(account, "laptop");
        return host;
    }

    private static async Task AtBothWidthsAsync(UsageLogsPage ui, string view, Func<Task> checkButtons)
    {
        foreach (var (size, width) in new[] { (Desktop, "1280"), (Phone, "390") })
        {
            await ui.Page.SetViewportSizeAsync(size.Width, size.Height);
            (await ui.FitsWidthAsync()).Should().BeTrue($"the {view} view must not scroll sideways at {width} px");
            await ui.SaveScreenshotAsync($"-{view}-{width}");
            await checkButtons();
            (await ui.FitsWidthAsync()).Should().BeTrue($"the {view} view's dialogs must not make it scroll sideways at {width} px");
        }
    }

    /// <summary>On screen (scrolled to, as a finger would) and taking a click: nothing covers it.</summary>
    private static async Task UsableAsync(UsageLogsPage ui, ILocator button)
    {
        await Expect(button).ToBeVisibleAsync();
        await Expect(button).ToBeEnabledAsync();
        await button.ScrollIntoViewIfNeededAsync();
        await Expect(button).ToBeInViewportAsync();
        var box = (await button.BoundingBoxAsync())!;
        (box.X >= 0 && box.X + box.Width <= ui.Page.ViewportSize!.Width).Should().BeTrue($"the button at x={box.X}, width {box.Width} is inside the window");
        await button.ClickAsync(new() { Trial = true });
    }

    /// <summary>Clicks the button; its dialog opens inside the window with its action button usable, then Cancel closes it.</summary>
    private static async Task OpensDialogThatFitsAsync(UsageLogsPage ui, ILocator button, string action)
    {
        await UsableAsync(ui, button);
        await button.ClickAsync();
        var dialog = ui.Dialog;
        await Expect(dialog).ToBeVisibleAsync();
        var box = (await dialog.BoundingBoxAsync())!;
        (box.X >= 0 && box.X + box.Width <= ui.Page.ViewportSize!.Width).Should().BeTrue($"the dialog at x={box.X}, width {box.Width} is inside the window");
        await UsableAsync(ui, dialog.GetByRole(AriaRole.Button, new() { Name = action, Exact = true }));
        await ui.SaveScreenshotAsync($"-dialog-{ui.Page.ViewportSize!.Width}-{action.Replace(' ', '-')}");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
    }
}
