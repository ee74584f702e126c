using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Fakes;

namespace Gateway.Tests.EndToEnd;

/// <summary>What a gateway whose store cannot be written must do, whichever store it is (SQLite locked, PostgreSQL gone).</summary>
internal static class StoreOutage
{
    /// <summary>
    /// The next request's row cannot commit, so the client never sees it complete; then /healthz says why
    /// and metered requests are refused with 503 without reaching the upstream.
    /// </summary>
    public static async Task ExpectCutThenRefusedAsync(GatewayHost host, HttpClient client, string body, int upstreamCallsBefore)
    {
        var first = async () => await (await client.PostAsync("/v1/chat/completions", ChatCompletionsTests.JsonContent(body))).Content.ReadAsStringAsync();
        await first.Should().ThrowAsync<HttpRequestException>();
        var health = await host.NewClient().GetAsync("/healthz");
        health.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await health.Content.ReadAsStringAsync()).Should().Contain("usage log cannot be written");
        var refused = await client.PostAsync("/v1/chat/completions", ChatCompletionsTests.JsonContent(body));
        refused.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString().Should().Be("store_unavailable");
        host.Upstream.Received.Should().HaveCount(upstreamCallsBefore + 1, "the refused request never went upstream");
    }

    /// <summary>Waits (up to 5 s) until /healthz answers 200 again: the writer's probe found the store back.</summary>
    public static async Task WaitUntilHealthyAsync(GatewayHost host)
    {
        for (var i = 0; i < 50 && (await host.NewClient().GetAsync("/healthz")).StatusCode != HttpStatusCode.OK; i++)
            await Task.Delay(100);
    }
}
