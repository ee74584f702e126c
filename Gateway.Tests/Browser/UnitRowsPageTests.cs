using System.Text.Json;
using Gateway.Tests.EndToEnd;
using Gateway.Tests.Fakes;
using Microsoft.Playwright;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.Browser;

/// <summary>Rows billed per image, character or search unit read as that unit on the page, not as tokens.</summary>
public class UnitRowsPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ImageAndSpeechRows_ShowTheirUnits_BreakdownMultipliesUnitsByPrice()
    {
        await using var host = await GatewayHost.StartAsync(MediaEndpointsTests.Pricing);
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(5m));
        using var client = host.NewClient(key);
        (await client.PostAsync("/v1/images/generations", JsonContent("""{"model":"dall-e-2","prompt":"a fox","n":2}"""))).EnsureSuccessStatusCode();
        (await client.PostAsync("/v1/audio/speech", JsonContent(JsonSerializer.Serialize(new { model = "tts-1", input = new string('a', 1200), voice = "alloy" })))).EnsureSuccessStatusCode();
        await Traffic.WaitForRowsAsync(host, 4);
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);
        await ui.SignInAndWaitAsync(GatewayHost.AdminKey);

        await Expect(ui.RowWith("dall-e-2")).ToContainTextAsync("2 images");
        await Expect(ui.RowWith("dall-e-2")).ToContainTextAsync("$0.02 per image");
        await Expect(ui.RowWith("tts-1")).ToContainTextAsync("1,200 characters");
        await ui.RowWith("dall-e-2").ClickAsync();

        var breakdown = ui.Breakdown;
        await Expect(breakdown.Locator(".formula")).ToContainTextAsync("= 2 × 0.02 × 1");
        await Expect(breakdown.Locator(".final-spend")).ToHaveTextAsync("$0.04");
        await Expect(breakdown.Locator(".warn")).ToHaveCountAsync(0);   // the page's arithmetic agrees with the gateway's
        await Expect(breakdown).ToContainTextAsync("Billed2 images");
        await ui.SaveScreenshotAsync("-units");
    }
}
