using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Tests.Fakes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.Browser;

/// <summary>Filters in the URL, the caller's scope, errors and export, on the Usage Logs page.</summary>
public class FiltersAndScopeTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Filters_TypeByEnterThenReset_UrlCarriesThemAndRowsFollow()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(5m);
        await Traffic.ChatAsync(host, await host.CreateKeyAsync(account, "laptop"));
        await Traffic.WaitForRowsAsync(host, 3);
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);
        await ui.SignInAndWaitAsync(GatewayHost.AdminKey);
        await Expect(ui.Rows).ToHaveCountAsync(3);
        var filters = ui.Page.GetByRole(AriaRole.Form, new() { Name = "Filters" });

        await filters.GetByLabel("Type").SelectOptionAsync("system");
        await filters.GetByLabel("Token name").PressAsync("Enter");   // Enter in any field applies

        await Expect(ui.Page).ToHaveURLAsync(new Regex(@"[?&]type=system"));
        await Expect(ui.Rows).ToHaveCountAsync(2);
        await Expect(ui.Rows.Locator(".badge.type-consume")).ToHaveCountAsync(0);

        await filters.GetByLabel("Model").FillAsync("test-model");
        await filters.GetByLabel("Type").SelectOptionAsync("consume");
        await filters.GetByRole(AriaRole.Button, new() { Name = "Query" }).ClickAsync();
        await Expect(ui.Rows).ToHaveCountAsync(1);
        await Expect(ui.Page).ToHaveURLAsync(new Regex(@"model=test-model"));

        // The URL is the view: opening it elsewhere restores the filters and the rows.
        await ui.Page.ReloadAsync();
        await ui.WaitLoadedAsync();
        await Expect(filters.GetByLabel("Model")).ToHaveValueAsync("test-model");
        await Expect(filters.GetByLabel("Type")).ToHaveValueAsync("consume");
        await Expect(ui.Rows).ToHaveCountAsync(1);

        await filters.GetByRole(AriaRole.Button, new() { Name = "Reset" }).ClickAsync();
        await Expect(ui.Rows).ToHaveCountAsync(3);
        await Expect(filters.GetByLabel("Model")).ToHaveValueAsync("");
        (await ui.Page.EvaluateAsync<string>("location.search")).Should().Be("?range=7d");
    }

    [Fact]
    public async Task QuickRange_LastHour_PressedAndInUrl()
    {
        await using var host = await GatewayHost.StartAsync();
        await host.CreateAccountAsync(5m);
        await Traffic.WaitForRowsAsync(host, 1);
        await using var ui = await UsageLogsPage.OpenAsync(browser, host, "?type=system");
        await ui.SignInAndWaitAsync(GatewayHost.AdminKey);

        var lastHour = ui.Page.GetByRole(AriaRole.Button, new() { Name = "Last hour" });
        await lastHour.ClickAsync();

        await Expect(lastHour).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(ui.Page).ToHaveURLAsync(new Regex(@"\?range=1h&type=system$"));
        await Expect(ui.Rows).ToHaveCountAsync(1);
        await Expect(ui.Page.GetByLabel("From")).Not.ToHaveValueAsync("");
    }

    [Fact]
    public async Task KeyHolder_SignedInWithApiKey_SeesOnlyOwnAccountAndNoAccountFilter()
    {
        await using var host = await GatewayHost.StartAsync();
        var mine = await host.CreateAccountAsync(5m, name: "mine");
        var theirs = await host.CreateAccountAsync(5m, name: "theirs");
        var myKey = await host.CreateKeyAsync(mine, "alpha");
        await Traffic.ChatAsync(host, myKey, "test-model");
        await Traffic.ChatAsync(host, await host.CreateKeyAsync(theirs, "beta"), "renamed-model");
        await Traffic.WaitForRowsAsync(host, 6);
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);

        await ui.SignInAndWaitAsync(myKey);

        await Expect(ui.Page.Locator("#who-label")).ToContainTextAsync($"account #{mine} only");
        await Expect(ui.RowWith("test-model")).ToHaveCountAsync(1);
        await Expect(ui.Rows.Filter(new() { HasText = "beta" })).ToHaveCountAsync(0);
        await Expect(ui.Rows.Filter(new() { HasText = "renamed-model" })).ToHaveCountAsync(0);
        await Expect(ui.Page.GetByLabel("Account id")).ToBeHiddenAsync();
        await Expect(ui.Page.Locator("#logs-head")).Not.ToContainTextAsync("Account");
    }

    [Fact]
    public async Task Operator_FilterByAccount_ShowsThatAccountOnly()
    {
        await using var host = await GatewayHost.StartAsync();
        var first = await host.CreateAccountAsync(5m, name: "first");
        var second = await host.CreateAccountAsync(5m, name: "second");
        await Traffic.ChatAsync(host, await host.CreateKeyAsync(first, "alpha"), "test-model");
        await Traffic.ChatAsync(host, await host.CreateKeyAsync(second, "beta"), "renamed-model");
        await Traffic.WaitForRowsAsync(host, 6);
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);
        await ui.SignInAndWaitAsync(GatewayHost.AdminKey);
        await Expect(ui.Rows).ToHaveCountAsync(6);

        await ui.Page.GetByLabel("Account id").FillAsync(second.ToString());
        await ui.Page.GetByLabel("Account id").PressAsync("Enter");

        await Expect(ui.Rows).ToHaveCountAsync(3);
        await Expect(ui.Rows.Filter(new() { HasText = "alpha" })).ToHaveCountAsync(0);
        await Expect(ui.RowWith("renamed-model")).ToHaveCountAsync(1);
        await Expect(ui.Page).ToHaveURLAsync(new Regex($"account_id={second}"));
    }

    [Fact]
    public async Task Error_PageSizeOverLimitInUrl_ShownNotSwallowed()
    {
        await using var host = await GatewayHost.StartAsync();
        await using var ui = await UsageLogsPage.OpenAsync(browser, host, "?page_size=5000");
        await ui.SignInAsync(GatewayHost.AdminKey);

        await Expect(ui.Page.Locator("#error")).ToContainTextAsync("page_size");
        await Expect(ui.Page.Locator("#logs-body tr.notice.failed")).ToContainTextAsync("Could not load the rows");
    }

    [Fact]
    public async Task Error_KeyRevokedWhileSignedIn_BackToSignInWithReason()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(5m);
        var key = await host.CreateKeyAsync(account, "doomed");
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);
        await ui.SignInAndWaitAsync(key);
        var keys = await host.Admin.GetFromJsonAsync<JsonElement>("/admin/keys");
        (await host.Admin.DeleteAsync($"/admin/keys/{keys[0].GetProperty("id").GetInt64()}")).EnsureSuccessStatusCode();

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Query" }).ClickAsync();

        await Expect(ui.Page.Locator("#sign-in-error")).ToContainTextAsync("no longer accepted");
        (await ui.Page.EvaluateAsync<string?>("sessionStorage.getItem('gateway.key')")).Should().BeNull();
    }

    [Fact]
    public async Task Export_CurrentFilters_DownloadsTheirCsv()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(5m);
        var requestId = await Traffic.ChatAsync(host, await host.CreateKeyAsync(account));
        await Traffic.WaitForRowsAsync(host, 3);
        await using var ui = await UsageLogsPage.OpenAsync(browser, host, "?type=consume");
        await ui.SignInAndWaitAsync(GatewayHost.AdminKey);

        var download = await ui.Page.RunAndWaitForDownloadAsync(() =>
            ui.Page.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync());

        download.SuggestedFilename.Should().StartWith("usage-logs-").And.EndWith(".csv");
        var csv = await File.ReadAllLinesAsync((await download.PathAsync())!);
        csv[0].Should().Contain("request_id").And.Contain("spend");
        csv.Skip(1).Where(l => l.Length > 0).Should().ContainSingle().Which.Should().Contain(requestId);
        await Expect(ui.Page.Locator("#error")).ToBeHiddenAsync();
    }
}
