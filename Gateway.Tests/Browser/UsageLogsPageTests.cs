using Gateway.Tests.Fakes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.Browser;

/// <summary>The Usage Logs page at GET / in headless Chromium, against a real gateway per test.</summary>
public class UsageLogsPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task SignIn_WrongKeyThenAdminKey_SaysSoThenShowsRowsWithKeyInSessionOnly()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(5m);
        var key = await host.CreateKeyAsync(account, "laptop");
        await Traffic.ChatAsync(host, key);
        await Traffic.WaitForRowsAsync(host, 3);
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);

        await ui.SignInAsync("sk-not-a-key");
        await Expect(ui.Page.Locator("#sign-in-error")).ToContainTextAsync("not accepted");
        await ui.SaveScreenshotAsync("-wrong-key");
        await ui.SignInAndWaitAsync(GatewayHost.AdminKey);

        await Expect(ui.Page.Locator("#who-label")).ToContainTextAsync("Operator");
        await Expect(ui.Rows).ToHaveCountAsync(3);   // account created, key created, the chat
        var chat = ui.RowWith("test-model");
        await Expect(chat).ToContainTextAsync("laptop");
        await Expect(chat.Locator(".badge.type-consume")).ToHaveTextAsync("consume");
        await Expect(chat).ToContainTextAsync("non-stream");
        await Expect(ui.Page.Locator("#logs-head")).ToContainTextAsync($"Time ({BrowserFixture.ViewerTimeZone})");
        (await ui.Page.EvaluateAsync<string>("sessionStorage.getItem('gateway.key')")).Should().Be(GatewayHost.AdminKey);
        (await ui.Page.EvaluateAsync<int>("localStorage.length + document.cookie.length")).Should().Be(0);
        (await ui.Page.EvaluateAsync<string>("location.href")).Should().NotContain(GatewayHost.AdminKey);
    }

    [Fact]
    public async Task ExpandRow_ChatWithCachedTokens_ShowsRatiosPricesAndFilledInFormula()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 1000, CompletionTokens = 500, CachedTokens = 200 };
        var account = await host.CreateAccountAsync(5m);
        var requestId = await Traffic.ChatAsync(host, await host.CreateKeyAsync(account));
        await Traffic.WaitForRowsAsync(host, 3);
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);
        await ui.SignInAndWaitAsync(GatewayHost.AdminKey);

        await ui.RowWith("test-model").ClickAsync();

        var breakdown = ui.Breakdown;
        await Expect(breakdown).ToHaveCountAsync(1);
        // (800 plain + 200 × 0.5 cached + 500 × 2 completion) × 1 × 1 × $2 / 1M = $0.0038
        await Expect(breakdown.Locator(".formula")).ToContainTextAsync(
            "= ((1000 − 200 − 0) + 200 × 0.5 + 0 × 1.25 + 500 × 2)\n        × 1 × 1 × 2 / 1 000 000");
        await Expect(breakdown.Locator(".formula")).ToContainTextAsync("= 1900 × 1 × 1 × 2 / 1 000 000");
        await Expect(breakdown.Locator(".final-spend")).ToHaveTextAsync("$0.0038");
        await Expect(breakdown.Locator(".warn")).ToHaveCountAsync(0);   // the page's arithmetic agrees with the gateway's
        await Expect(breakdown).ToContainTextAsync("Completion ratio2");
        await Expect(breakdown).ToContainTextAsync("Input price / 1M tokens$2.00");
        await Expect(breakdown).ToContainTextAsync("Output price / 1M tokens$4.00");
        await Expect(breakdown).ToContainTextAsync("/v1/chat/completions");
        await Expect(breakdown).ToContainTextAsync("Usage sourceupstream");
        await Expect(breakdown.Locator(".request-id")).ToHaveTextAsync(requestId);
        await Expect(breakdown.GetByRole(AriaRole.Button, new() { Name = "Copy request id" })).ToBeVisibleAsync();
        await ui.SaveScreenshotAsync("-expanded");

        // Keyboard: the row's expander button folds it again.
        await ui.RowWith("test-model").GetByRole(AriaRole.Button).PressAsync("Enter");
        await Expect(ui.Breakdown).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ExpandRow_SystemRow_ShowsItsEventDescription()
    {
        await using var host = await GatewayHost.StartAsync();
        await host.CreateAccountAsync(5m, name: "globex");
        await Traffic.WaitForRowsAsync(host, 1);
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);
        await ui.SignInAndWaitAsync(GatewayHost.AdminKey);

        await ui.Rows.First.ClickAsync();

        await Expect(ui.Breakdown).ToContainTextAsync("System event");
        await Expect(ui.Breakdown).ToContainTextAsync("account 'globex' created");
        await Expect(ui.Breakdown.Locator(".formula")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ColumnSettings_HideSpend_KeptAfterReload()
    {
        await using var host = await GatewayHost.StartAsync();
        await host.CreateAccountAsync(5m);
        await Traffic.WaitForRowsAsync(host, 1);
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);
        await ui.SignInAndWaitAsync(GatewayHost.AdminKey);
        var header = ui.Page.Locator("#logs-head");
        await Expect(header).ToContainTextAsync("Spend");

        await ui.Page.GetByText("Column settings").ClickAsync();
        await ui.Page.Locator("#column-list").GetByLabel("Spend").UncheckAsync();
        await Expect(header).Not.ToContainTextAsync("Spend");
        await ui.Page.ReloadAsync();
        await ui.WaitLoadedAsync();

        await Expect(ui.Rows).ToHaveCountAsync(1);
        await Expect(header).Not.ToContainTextAsync("Spend");
        await Expect(header).ToContainTextAsync("Model");
    }

    [Fact]
    public async Task Table_NoRowsInRange_ShowsEmptyState()
    {
        await using var host = await GatewayHost.StartAsync();
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);
        await ui.SignInAndWaitAsync(GatewayHost.AdminKey);

        await Expect(ui.Page.Locator("#logs-body tr.notice.empty")).ToContainTextAsync("No log rows match");
    }

    [Fact]
    public async Task Table_SlowAnswer_ShowsLoadingStateThenRows()
    {
        await using var host = await GatewayHost.StartAsync();
        await host.CreateAccountAsync(5m);
        await Traffic.WaitForRowsAsync(host, 1);
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);
        var release = new TaskCompletionSource();
        await ui.Page.RouteAsync(new System.Text.RegularExpressions.Regex(@"/logs\?.*page="), async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });

        await ui.SignInAsync(GatewayHost.AdminKey);

        await Expect(ui.Page.Locator("#logs-body tr.notice.loading")).ToHaveTextAsync("Loading…");
        await Expect(ui.Page.Locator("#logs")).ToHaveAttributeAsync("aria-busy", "true");
        release.SetResult();
        await Expect(ui.Rows).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Overview_TwoModels_CardsSumTheRangeAndChartSplitsByModel()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 1000, CompletionTokens = 500 };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(5m));
        await Traffic.ChatAsync(host, key, "test-model");      // (1000 + 500 × 2) × $2 / 1M = $0.004
        await Traffic.ChatAsync(host, key, "renamed-model");   // (1000 + 500 × 1) × $2 / 1M = $0.003
        await Traffic.WaitForRowsAsync(host, 4);
        await using var ui = await UsageLogsPage.OpenAsync(browser, host, "?range=today");
        await ui.SignInAndWaitAsync(GatewayHost.AdminKey);

        await Expect(ui.Page.Locator("#stat-spend")).ToHaveTextAsync("$0.007");
        await Expect(ui.Page.Locator("#stat-requests")).ToHaveTextAsync("2");
        await Expect(ui.Page.Locator("#stat-tokens")).ToHaveTextAsync("2,000 / 1,000");
        await Expect(ui.Page.Locator("#stat-rpm")).ToHaveTextAsync("2");
        await Expect(ui.Page.Locator("#chart")).ToBeVisibleAsync();
        await Expect(ui.Page.Locator("#chart-note")).ToBeHiddenAsync();
        // The chart is drawn after the cards (its data is a second request): wait until it holds both models.
        await ui.Page.WaitForFunctionAsync("() => window.Chart && Chart.getChart('chart')?.data.datasets.length === 3");
        var labels = await ui.Page.EvaluateAsync<string[]>("Chart.getChart('chart').data.datasets.map(d => d.label)");
        labels.Should().BeEquivalentTo(["test-model", "renamed-model", "Requests"]);
        var spend = await ui.Page.EvaluateAsync<double[]>(
            "Chart.getChart('chart').data.datasets.filter(d => d.yAxisID === 'spend').map(d => d.data.reduce((a, b) => a + b, 0))");
        spend.Should().Equal([0.004, 0.003]);
        await Expect(ui.Page.Locator("#error")).ToBeHiddenAsync();
    }
}
