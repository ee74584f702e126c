using System.Globalization;
using Gateway.Tests.EndToEnd;
using Gateway.Tests.Fakes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.Browser;

/// <summary>A key holder's view of their own key (SPEC §13): policy, budget left and period, nothing of other keys.</summary>
public class KeyHolderViewTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task MyKey_SignedInWithAnApiKey_ShowsItsPolicyBudgetLeftAndPeriod_AndNoOtherKey()
    {
        await using var host = await GatewayHost.StartAsync();
        var mine = await host.CreateAccountAsync(5m, "mine");
        var theirs = await host.CreateAccountAsync(5m, "theirs");
        var (_, secret) = await KeyPolicyHelpers.CreateKeyAsync(host, mine,
            "\"models\":[\"test-model\"],\"budget\":1,\"budget_period\":\"daily\",\"tpm\":0,\"ip_allowlist\":[\"127.0.0.0/8\"]", name: "holder-key");
        await KeyPolicyHelpers.CreateKeyAsync(host, theirs, "\"budget\":7", name: "someone-elses-key");
        await KeyPolicyHelpers.CreateKeyAsync(host, mine, "\"rpm\":3", name: "sibling-key");
        await Traffic.ChatAsync(host, secret);
        await Traffic.WaitForRowsAsync(host, 6);
        var (_, own) = await host.GetJsonAsync("/v1/key", secret);
        var spent = own.GetProperty("spent").GetDecimal();
        spent.Should().BePositive("the chat was charged to the key");

        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, secret);
        foreach (var operatorTab in new[] { "Accounts", "Keys", "Models & prices" })
            await Expect(ui.Page.GetByRole(AriaRole.Tab, new() { Name = operatorTab })).ToHaveCountAsync(0);
        var panel = await ui.OpenTabAsync("My key");
        var facts = panel.Locator("#own-key");

        await Expect(Fact(facts, "Name")).ToHaveTextAsync("holder-key");
        await Expect(Fact(facts, "Status")).ToHaveTextAsync("active");
        await Expect(Fact(facts, "Budget")).ToHaveTextAsync("$1.00");
        await Expect(Fact(facts, "Budget period")).ToContainTextAsync("daily (UTC day), ");
        await Expect(Fact(facts, "Spent this period")).ToHaveTextAsync(Usd(spent));
        await Expect(Fact(facts, "Budget left")).ToHaveTextAsync(Usd(1m - spent));
        await Expect(Fact(facts, "Models")).ToHaveTextAsync("test-model");
        await Expect(Fact(facts, "Tokens per minute")).ToHaveTextAsync("none");
        await Expect(Fact(facts, "Requests per minute")).ToHaveTextAsync("the group's");
        await Expect(Fact(facts, "IP allow-list")).ToHaveTextAsync("127.0.0.0/8");
        var text = await ui.Page.Locator("body").InnerTextAsync();
        text.Should().NotContain("someone-elses-key").And.NotContain("sibling-key").And.NotContain("$7.00");
        (await ui.Page.EvaluateAsync<string>("location.hash")).Should().Be("#key");
    }

    [Fact]
    public async Task ConsoleTabs_InTheUrlOfAKeyHolder_FallBackToTheUsageLogs()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(5m));
        await using var ui = await UsageLogsPage.OpenAsync(browser, host, "#keys");
        await ui.SignInAndWaitAsync(key);

        await Expect(ui.Page.GetByRole(AriaRole.Tab, new() { Name = "Usage logs" })).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(ui.Page.Locator("#panel-keys")).ToBeHiddenAsync();
        await Expect(ui.Page.GetByRole(AriaRole.Tab, new() { Name = "My key" })).ToBeVisibleAsync();
    }

    private static ILocator Fact(ILocator facts, string name) =>
        facts.Locator($"dt:text-is('{name}') + dd");

    /// <summary>As the page writes money: every stored digit, at least two decimals.</summary>
    private static string Usd(decimal value) => "$" + value.ToString("#,0.00#######", CultureInfo.InvariantCulture);
}
