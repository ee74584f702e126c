using Gateway.Tests.Fakes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.Browser;

/// <summary>The page's playground: a streamed chat through POST /pg/chat/completions, metered as a row.</summary>
public class PlaygroundTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Send_StreamedReply_ShownAsItArrivesAndLoggedUnderPgPath()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, EventInterval = TimeSpan.FromMilliseconds(120) };
        var account = await host.CreateAccountAsync(5m);
        var key = await host.CreateKeyAsync(account, "browser");
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);
        await ui.SignInAndWaitAsync(key);

        await ui.Page.GetByRole(AriaRole.Tab, new() { Name = "Playground" }).ClickAsync();
        var playground = ui.Page.GetByRole(AriaRole.Tabpanel, new() { Name = "Playground" });
        await Expect(playground.GetByLabel("Model").Locator("option[value='test-model']")).ToHaveCountAsync(1);
        await playground.GetByLabel("Model").SelectOptionAsync("test-model");
        // Record every text the reply shows, to see it grow chunk by chunk rather than appear at once.
        await ui.Page.EvaluateAsync("""
            window.replies = [];
            new MutationObserver(() => {
              const reply = document.querySelector('#pg-transcript .reply');
              if (reply) window.replies.push(reply.textContent);
            }).observe(document.getElementById('pg-transcript'), { subtree: true, childList: true, characterData: true });
            """);
        await playground.GetByLabel("Message").FillAsync("Say hello");
        await playground.GetByLabel("Message").PressAsync("Control+Enter");

        var reply = ui.Page.Locator("#pg-transcript .reply");
        await Expect(reply).ToHaveTextAsync(host.Upstream.Behavior.Reply);
        await Expect(ui.Page.Locator("#pg-transcript .meta")).ToContainTextAsync("logged under /pg/chat/completions, spend $");
        var seen = (await ui.Page.EvaluateAsync<string[]>("window.replies")).Where(t => t.Length > 0).Distinct().ToArray();
        seen.Length.Should().BeGreaterThan(2, "the reply is shown as the stream arrives");
        seen.Should().OnlyContain(t => host.Upstream.Behavior.Reply.StartsWith(t.TrimEnd(), StringComparison.Ordinal));
        await ui.SaveScreenshotAsync("-playground");

        await ui.Page.GetByRole(AriaRole.Tab, new() { Name = "Usage logs" }).ClickAsync();
        var row = ui.RowWith("test-model");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("browser");
        await Expect(row.Locator(".badge.stream")).ToHaveTextAsync("stream");
        await row.ClickAsync();
        await Expect(ui.Breakdown).ToContainTextAsync("Request path/pg/chat/completions");
        await Expect(ui.Breakdown).ToContainTextAsync("Streamcompleted");
    }

    [Fact]
    public async Task Open_SignedInAsOperator_ExplainsAnApiKeyIsNeeded()
    {
        await using var host = await GatewayHost.StartAsync();
        await using var ui = await UsageLogsPage.OpenAsync(browser, host);
        await ui.SignInAndWaitAsync(GatewayHost.AdminKey);

        await ui.Page.GetByRole(AriaRole.Tab, new() { Name = "Playground" }).ClickAsync();

        await Expect(ui.Page.Locator("#pg-note")).ToContainTextAsync("needs an API key");
        await Expect(ui.Page.GetByRole(AriaRole.Button, new() { Name = "Send" })).ToBeDisabledAsync();
    }
}
