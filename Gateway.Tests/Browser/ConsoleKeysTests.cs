using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.EndToEnd;
using Gateway.Tests.Fakes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.Browser;

/// <summary>The console's Keys view (SPEC §13): create with a policy (the secret once), edit, revoke after a confirmation.</summary>
public class ConsoleKeysTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Create_WithPolicies_SecretShownOnceWithCopyButton_AndTheKeyWorks()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(5m);
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);
        await ui.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await ui.SignInAndWaitAsync(GatewayHost.AdminKey);
        var panel = await ui.OpenTabAsync("Keys");

        await panel.GetByRole(AriaRole.Button, new() { Name = "New key" }).ClickAsync();
        var dialog = ui.Dialog;
        await Expect(dialog.GetByRole(AriaRole.Heading)).ToHaveTextAsync("New key");
        var expires = new DateTime(DateTime.UtcNow.Year + 1, 6, 30, 12, 0, 0);   // in the viewer's zone, as typed
        await dialog.GetByLabel("Account", new() { Exact = true }).FillAsync(account.ToString());
        await dialog.GetByLabel("Name").FillAsync("ci-bot");
        await dialog.GetByLabel("Expires at").FillAsync(expires.ToString("yyyy-MM-ddTHH:mm"));
        await dialog.GetByLabel("Models").FillAsync("test-model");
        await dialog.GetByLabel("Budget (USD)").FillAsync("2.5");
        await dialog.GetByLabel("Budget period").SelectOptionAsync("daily");
        await dialog.GetByLabel("Requests per minute").FillAsync("10");
        await dialog.GetByLabel("Tokens per minute").FillAsync("1000");
        var create = dialog.GetByRole(AriaRole.Button, new() { Name = "Create key" });

        // Checked before sending: not an address at all.
        await dialog.GetByLabel("IP allow-list").FillAsync("127.0.0.1, 10.0.0.300/8");
        await create.ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("'10.0.0.300/8' is not a CIDR");
        await Expect(dialog.GetByLabel("IP allow-list")).ToHaveAttributeAsync("aria-invalid", "true");
        // The shape is right, the gateway still refuses it: its own sentence, the field marked.
        await dialog.GetByLabel("IP allow-list").FillAsync("127.0.0.1, 10.0.0.1/8");
        await create.ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("'10.0.0.1/8' has address bits set past its prefix; write 10.0.0.0/8");
        await Expect(dialog.GetByLabel("IP allow-list")).ToHaveAttributeAsync("aria-invalid", "true");
        (await host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/keys")).Should().BeEmpty();

        await dialog.GetByLabel("IP allow-list").FillAsync("127.0.0.1, 10.0.0.0/8");
        await create.ClickAsync();

        await Expect(ui.Dialog).ToHaveCountAsync(0);
        var reveal = panel.Locator("#key-secret");
        await Expect(reveal).ToContainTextAsync("Copy this key now: it will not be shown again.");
        var secret = await reveal.Locator("#key-secret-value").TextContentAsync();
        secret.Should().StartWith("sk-gw-");
        await reveal.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Expect(reveal.GetByRole(AriaRole.Status)).ToHaveTextAsync("Copied to the clipboard.");
        (await ui.Page.EvaluateAsync<string>("navigator.clipboard.readText()")).Should().Be(secret);

        var row = panel.Locator("#keys-body tr").Filter(new() { HasText = "ci-bot" });
        await Expect(row.Locator(".policy-cell")).ToContainTextAsync("Models: test-model");
        await Expect(row.Locator(".policy-cell")).ToContainTextAsync("IP allow-list: 127.0.0.1/32, 10.0.0.0/8");
        await Expect(row.Locator(".spend")).ToHaveTextAsync("$0.00 of $2.50 daily");
        await Expect(row).ToContainTextAsync(secret![^4..]);

        // The key holds the policy as typed, and it works.
        var (status, own) = await host.GetJsonAsync("/v1/key", secret);
        status.Should().Be(HttpStatusCode.OK);
        own.GetProperty("models").EnumerateArray().Select(m => m.GetString()).Should().Equal("test-model");
        (own.GetProperty("budget").GetDecimal(), own.GetProperty("budget_period").GetString()).Should().Be((2.5m, "daily"));
        (own.GetProperty("rpm").GetInt32(), own.GetProperty("tpm").GetInt64()).Should().Be((10, 1000));
        own.GetProperty("expires_at").GetDateTimeOffset().Should().Be(new DateTimeOffset(expires, TimeZoneInfo.FindSystemTimeZoneById(BrowserFixture.ViewerTimeZone).GetUtcOffset(expires)));

        // Once dismissed it is gone from the page, and nothing brings it back.
        await reveal.GetByRole(AriaRole.Button, new() { Name = "Done, hide it" }).ClickAsync();
        await Expect(reveal).ToBeHiddenAsync();
        await ui.Page.ReloadAsync();
        await ui.OpenTabAsync("Keys");
        await Expect(panel.Locator("#keys-body tr").Filter(new() { HasText = "ci-bot" })).ToHaveCountAsync(1);
        (await ui.Page.ContentAsync()).Should().NotContain(secret);
    }

    [Fact]
    public async Task Edit_ChangesThePolicy_AndTheRowShowsTheGatewaysAnswer()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(5m);
        var (id, _) = await KeyPolicyHelpers.CreateKeyAsync(host, account,
            "\"models\":[\"test-model\"],\"budget\":1,\"budget_period\":\"monthly\",\"rpm\":60", name: "laptop");
        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, GatewayHost.AdminKey);
        var panel = await ui.OpenTabAsync("Keys");
        var row = panel.Locator($"#keys-body tr[data-id='{id}']");
        await Expect(row.Locator(".policy-cell")).ToContainTextAsync("Requests per minute: 60");

        await row.GetByRole(AriaRole.Button, new() { Name = "Edit key laptop" }).ClickAsync();
        var dialog = ui.Dialog;
        await Expect(dialog.GetByLabel("Account", new() { Exact = true })).ToBeDisabledAsync();
        await Expect(dialog.GetByLabel("Models")).ToHaveValueAsync("test-model");
        await Expect(dialog.GetByLabel("Budget period")).ToHaveValueAsync("monthly");
        await dialog.GetByLabel("Requests per minute").FillAsync("ten");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Requests per minute must be a whole number from 0 to 1,000,000,000.");
        await dialog.GetByLabel("Name").FillAsync("laptop-2");
        await dialog.GetByLabel("Requests per minute").FillAsync("5");
        await dialog.GetByLabel("Models").FillAsync("");   // emptied: every model
        await dialog.GetByLabel("Budget (USD)").FillAsync("3");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();

        await Expect(ui.Dialog).ToHaveCountAsync(0);
        await Expect(row.Locator(".name")).ToHaveTextAsync("laptop-2");
        await Expect(row.Locator(".policy-cell")).ToContainTextAsync("Requests per minute: 5");
        await Expect(row.Locator(".policy-cell")).Not.ToContainTextAsync("Models");
        await Expect(row.Locator(".spend")).ToHaveTextAsync("$0.00 of $3.00 monthly");
        await Expect(panel.GetByRole(AriaRole.Status)).ToHaveTextAsync("Key “laptop-2” saved.");
        var (_, key) = await host.GetJsonAsync($"/admin/keys/{id}");
        key.GetProperty("name").GetString().Should().Be("laptop-2");
        key.GetProperty("rpm").GetInt32().Should().Be(5);
        key.GetProperty("models").GetArrayLength().Should().Be(0);
        (key.GetProperty("budget").GetDecimal(), key.GetProperty("budget_period").GetString()).Should().Be((3m, "monthly"));
    }

    [Fact]
    public async Task Revoke_AsksFirst_CancelKeepsTheKey_ConfirmRevokesIt()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(5m);
        var (id, secret) = await KeyPolicyHelpers.CreateKeyAsync(host, account, name: "old-laptop");
        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, GatewayHost.AdminKey);
        var panel = await ui.OpenTabAsync("Keys");
        var row = panel.Locator($"#keys-body tr[data-id='{id}']");
        var revoke = row.GetByRole(AriaRole.Button, new() { Name = "Revoke key old-laptop" });

        await revoke.ClickAsync();
        await Expect(ui.Dialog.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Revoke key “old-laptop”?");
        await Expect(ui.Dialog).ToContainTextAsync("This cannot be undone.");
        await ui.Dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(ui.Dialog).ToHaveCountAsync(0);
        await Expect(row.Locator(".badge")).ToHaveTextAsync("active");
        (await host.GetJsonAsync("/v1/key", secret)).Status.Should().Be(HttpStatusCode.OK);

        await revoke.ClickAsync();
        await ui.Dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();

        await Expect(row.Locator(".badge")).ToHaveTextAsync("revoked");
        await Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(panel.GetByRole(AriaRole.Status)).ToHaveTextAsync("Key “old-laptop” revoked.");
        (await host.GetJsonAsync($"/admin/keys/{id}")).Body.GetProperty("revoked").GetBoolean().Should().BeTrue();
        (await host.GetJsonAsync("/v1/key", secret)).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task List_OnlyAccount_ShowsThatAccountsKeys_AndRefusesText()
    {
        await using var host = await GatewayHost.StartAsync();
        var first = await host.CreateAccountAsync(5m, "first");
        var second = await host.CreateAccountAsync(5m, "second");
        await host.CreateKeyAsync(first, "first-key");
        await host.CreateKeyAsync(second, "second-key");
        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, GatewayHost.AdminKey);
        var panel = await ui.OpenTabAsync("Keys");
        var rows = panel.Locator("#keys-body tr");
        await Expect(rows).ToHaveCountAsync(2);

        await panel.GetByLabel("Only account").FillAsync(second.ToString());
        await panel.GetByLabel("Only account").PressAsync("Enter");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("second-key");

        await panel.GetByLabel("Only account").FillAsync("second");
        await panel.GetByLabel("Only account").PressAsync("Enter");
        await Expect(panel.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Could not list the keys: Only account must be a whole number from 1 to 9,007,199,254,740,991.");
        await Expect(panel.GetByLabel("Only account")).ToHaveAttributeAsync("aria-invalid", "true");
    }
}
