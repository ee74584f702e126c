using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>/metrics in Prometheus text format, fed by real traffic.</summary>
public class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterTraffic_ExposesRequestsTokensLatencyAndWriter()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        await (await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent("""{"model":"test-model","stream":true,"messages":[]}"""))).Content.ReadAsStringAsync();

        var text = await host.NewClient().GetStringAsync("/metrics");

        text.Should().Contain("gateway_requests").And.Contain("model=\"test-model\"");
        text.Should().Contain("gateway_tokens");
        text.Should().Contain("gateway_request_duration");
        text.Should().Contain("gateway_time_to_first_token");
        text.Should().Contain("gateway_writer_commit_duration");
        text.Should().Contain("gateway_writer_queue_depth");
        text.Should().Contain("gateway_upstream_breaker_open");
        text.Should().Contain("gateway_spend_usd_total");
    }

    [Fact]
    public async Task Metrics_ModelsTheCatalogDoesNotHave_ShareOneLabel()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        var client = host.NewClient(key);
        foreach (var invented in new[] { "invented-model-1", "invented-model-2" })
            (await client.PostAsync("/v1/chat/completions", JsonContent($$"""{"model":"{{invented}}","messages":[]}"""))).StatusCode
                .Should().Be(System.Net.HttpStatusCode.NotFound);

        var text = await host.NewClient().GetStringAsync("/metrics");

        text.Should().NotContain("invented-model", "a label value per name a client makes up would grow /metrics without bound");
        // The registry is the process's, shared with the other tests' hosts: at least these two are in it.
        var other = System.Text.RegularExpressions.Regex.Match(text, "gateway_requests_total\\{model=\"\\(other\\)\",status=\"404\",type=\"error\"\\} (\\d+)");
        other.Success.Should().BeTrue();
        long.Parse(other.Groups[1].Value).Should().BeGreaterThanOrEqualTo(2);
    }
}
