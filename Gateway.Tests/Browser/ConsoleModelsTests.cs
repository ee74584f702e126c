using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.Browser;

/// <summary>The console's Models &amp; prices view (SPEC §13): the price list, a run-time override set and deleted.</summary>
public class ConsoleModelsTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Models_ListEditThenDeleteTheOverride_TableFollowsEachStep()
    {
        await using var host = await GatewayHost.StartAsync();
        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, GatewayHost.AdminKey);
        var panel = await ui.OpenTabAsync("Models & prices");
        var row = panel.Locator("#models-body tr[data-name='test-model']");
        await Expect(row.Locator(".model_ratio")).ToHaveTextAsync("1");
        await Expect(row.Locator(".completion_ratio")).ToHaveTextAsync("2");
        await Expect(row.Locator(".badge")).ToHaveTextAsync("configured");
        await Expect(panel.Locator("#models-body tr[data-name='renamed-model']")).ToContainTextAsync("upstream-name");

        await row.GetByRole(AriaRole.Button, new() { Name = "Edit price of test-model" }).ClickAsync();
        var dialog = ui.Dialog;
        await Expect(dialog.GetByLabel("Model", new() { Exact = true })).ToHaveValueAsync("test-model");
        await Expect(dialog.GetByLabel("Cluster")).ToHaveValueAsync("openai");
        await dialog.GetByLabel("Model ratio").FillAsync("-3");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Model ratio must not be negative.");
        await dialog.GetByLabel("Model ratio").FillAsync("3");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(ui.Dialog).ToHaveCountAsync(0);
        await Expect(row.Locator(".model_ratio")).ToHaveTextAsync("3");
        await Expect(row.Locator(".badge")).ToHaveTextAsync("override");
        (await ModelAsync(host, "test-model")).GetProperty("model_ratio").GetDecimal().Should().Be(3m);

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete override of test-model" }).ClickAsync();
        await Expect(ui.Dialog.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Delete the override of test-model?");
        await ui.Dialog.GetByRole(AriaRole.Button, new() { Name = "Delete override" }).ClickAsync();

        await Expect(row.Locator(".model_ratio")).ToHaveTextAsync("1");
        await Expect(row.Locator(".badge")).ToHaveTextAsync("configured");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Delete override of test-model" })).ToHaveCountAsync(0);
        (await ModelAsync(host, "test-model")).GetProperty("source").GetString().Should().NotBe("override");
    }

    [Fact]
    public async Task Models_PricedByTheUnit_PricesShown_AndEditingWarnsAnOverrideReplacesThem()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Models:speech-model:Cluster"] = "openai",
            ["Models:speech-model:PricePerCharacter"] = "0.000015",
        });
        await using var ui = await UsageLogsPage.OpenSignedInAsync(browser, host, GatewayHost.AdminKey);
        var panel = await ui.OpenTabAsync("Models & prices");
        var row = panel.Locator("#models-body tr[data-name='speech-model']");

        await Expect(row.Locator(".price")).ToHaveTextAsync("$0.000015 per character");
        await row.GetByRole(AriaRole.Button, new() { Name = "Edit price of speech-model" }).ClickAsync();
        await Expect(ui.Dialog.Locator("#model-unit-warning")).ToHaveTextAsync(
            "speech-model is priced by the unit ($0.000015 per character); an override replaces that with the prices here.");
        await ui.Dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await panel.GetByRole(AriaRole.Button, new() { Name = "New price override" }).ClickAsync();
        await Expect(ui.Dialog.Locator("#model-unit-warning")).ToBeHiddenAsync();
    }

    private static async Task<JsonElement> ModelAsync(GatewayHost host, string name)
    {
        var answer = await host.Admin.GetFromJsonAsync<JsonElement>("/admin/models");
        var list = answer.ValueKind == JsonValueKind.Array ? answer : answer.TryGetProperty("data", out var data) ? data : answer.GetProperty("items");
        return list.EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);
    }
}
