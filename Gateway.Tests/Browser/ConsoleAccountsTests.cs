using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.Browser;

/// <summary>The console's Accounts view (SPEC §13): create, top up, record IPs, paging; the table follows each change.</summary>
public class ConsoleAccountsTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Create_FieldsCheckedFirst_ThenTheNewAccountIsInTheTable()
    {
        await using var host = await GatewayHost.StartAsync();
        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, GatewayHost.AdminKey);
        var panel = await ui.OpenTabAsync("Accounts");
        var form = panel.GetByRole(AriaRole.Form, new() { Name = "New account" });
        await Expect(panel.GetByText("No accounts yet")).ToBeVisibleAsync();

        await form.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(form.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Name is required.");
        await Expect(form.GetByLabel("Name")).ToHaveAttributeAsync("aria-invalid", "true");
        await form.GetByLabel("Name").FillAsync("globex");
        await form.GetByLabel("Opening balance (USD)").FillAsync("12,5");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(form.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Opening balance (USD) must be a number, like 12.50.");
        (await AccountsAsync(host)).Should().BeEmpty("nothing is sent while a field is wrong");

        await form.GetByLabel("Opening balance (USD)").FillAsync("123456789.123456789");
        await form.GetByLabel("Record client IPs").CheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        var row = panel.Locator("#accounts-body tr").Filter(new() { HasText = "globex" });
        await Expect(row.Locator(".balance")).ToHaveTextAsync("$123,456,789.123456789");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Record IPs" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(panel.GetByRole(AriaRole.Status)).ToContainTextAsync("Account “globex” created as #1");
        await Expect(form.GetByLabel("Name")).ToHaveValueAsync("");
        var stored = (await AccountsAsync(host)).Single();
        // Sent as the digits typed, not through a double (which would round it to …123456791).
        stored.GetProperty("balance").GetDecimal().Should().Be(123456789.123456789m);
        stored.GetProperty("record_ip").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task TopUp_AddsToTheBalance_AndAGatewayRefusalIsShownInTheDialog()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(5m, "initech");
        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, GatewayHost.AdminKey);
        var panel = await ui.OpenTabAsync("Accounts");
        var row = panel.Locator($"#accounts-body tr[data-id='{account}']");
        await Expect(row.Locator(".balance")).ToHaveTextAsync("$5.00");

        await row.GetByRole(AriaRole.Button, new() { Name = "Top up" }).ClickAsync();
        await Expect(ui.Dialog).ToContainTextAsync("Top up “initech”");
        await ui.Dialog.GetByLabel("Amount (USD)").FillAsync("0");
        await ui.Dialog.GetByRole(AriaRole.Button, new() { Name = "Top up" }).ClickAsync();
        await Expect(ui.Dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Amount (USD) must not be zero.");
        await ui.Dialog.GetByLabel("Amount (USD)").FillAsync("2.25");
        await ui.Dialog.GetByRole(AriaRole.Button, new() { Name = "Top up" }).ClickAsync();

        await Expect(ui.Dialog).ToHaveCountAsync(0);
        await Expect(row.Locator(".balance")).ToHaveTextAsync("$7.25");
        await Expect(panel.GetByRole(AriaRole.Status)).ToHaveTextAsync("Topped up “initech” by $2.25: the balance is now $7.25.");
        (await host.BalanceAsync(account)).Should().Be(7.25m);

        // The gateway refuses a top-up below zero: its own sentence is shown, the balance stays.
        await row.GetByRole(AriaRole.Button, new() { Name = "Top up" }).ClickAsync();
        await ui.Dialog.GetByLabel("Amount (USD)").FillAsync("-100");
        await ui.Dialog.GetByRole(AriaRole.Button, new() { Name = "Top up" }).ClickAsync();
        await Expect(ui.Dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("would take the balance below 0; nothing was changed. (400)");
        await ui.Dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(row.Locator(".balance")).ToHaveTextAsync("$7.25");
        (await host.BalanceAsync(account)).Should().Be(7.25m);
    }

    [Fact]
    public async Task RecordIps_Toggled_TheAccountIsChangedAndTheButtonFollows()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(5m, "hooli");
        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, GatewayHost.AdminKey);
        var panel = await ui.OpenTabAsync("Accounts");
        var toggle = panel.Locator($"#accounts-body tr[data-id='{account}']").GetByRole(AriaRole.Button, new() { Name = "Record IPs" });
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");

        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(panel.GetByRole(AriaRole.Status)).ToHaveTextAsync("Client IPs of “hooli” are recorded from now on.");
        (await AccountAsync(host, account)).GetProperty("record_ip").GetBoolean().Should().BeTrue();

        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");
        (await AccountAsync(host, account)).GetProperty("record_ip").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task List_MoreThanAPage_PagedWithNextAndPrevious()
    {
        await using var host = await GatewayHost.StartAsync();
        for (var i = 1; i <= 23; i++)
            await host.CreateAccountAsync(i, $"account-{i:00}");
        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, GatewayHost.AdminKey);
        var panel = await ui.OpenTabAsync("Accounts");
        var rows = panel.Locator("#accounts-body tr");

        await Expect(rows).ToHaveCountAsync(20);
        await Expect(panel.Locator("#accounts-page")).ToHaveTextAsync("1–20 of 23");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Next ›" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.Last).ToContainTextAsync("account-23");
        await Expect(rows.Last.Locator(".balance")).ToHaveTextAsync("$23.00");
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Next ›" })).ToBeDisabledAsync();
        await panel.GetByRole(AriaRole.Button, new() { Name = "‹ Previous" }).ClickAsync();
        await Expect(rows.First).ToContainTextAsync("account-01");
    }

    private static async Task<JsonElement[]> AccountsAsync(GatewayHost host) =>
        (await host.Admin.GetFromJsonAsync<JsonElement>("/admin/accounts")).GetProperty("items").EnumerateArray().ToArray();

    private static async Task<JsonElement> AccountAsync(GatewayHost host, long id) =>
        await host.Admin.GetFromJsonAsync<JsonElement>($"/admin/accounts/{id}");
}
