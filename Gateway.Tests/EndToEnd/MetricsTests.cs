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

        var text = await host.Admin.GetStringAsync("/metrics");

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

        var text = await host.Admin.GetStringAsync("/metrics");

        text.Should().NotContain("invented-model", "a label value per name a client makes up would grow /metrics without bound");
        // The registry is the process's, shared with the other tests' hosts: at least these two are in it.
        var other = System.Text.RegularExpressions.Regex.Match(text, "gateway_requests_total\\{model=\"\\(other\\)\",status=\"404\",type=\"error\"\\} (\\d+)");
        other.Success.Should().BeTrue();
        long.Parse(other.Groups[1].Value).Should().BeGreaterThanOrEqualTo(2);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData("client-key")]
    public async Task Metrics_WithoutTheAdminOrMetricsKey_401Json(string? credential)
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:MetricsKey"] = "metrics-key-0123456789" });
        var key = credential == "client-key" ? await host.CreateKeyAsync(await host.CreateAccountAsync(1m)) : credential;

        var response = await host.NewClient(key).GetAsync("/metrics");

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized);
        var text = await response.Content.ReadAsStringAsync();
        System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("code").GetString().Should().Be("invalid_api_key");
        text.Should().NotContain("gateway_requests").And.NotContain("metrics-key-0123456789").And.NotContain(GatewayHost.AdminKey);
        if (key is not null)
            text.Should().NotContain(key);
    }

    [Fact]
    public async Task Metrics_AdminKeyAsXApiKey_401()
    {
        await using var host = await GatewayHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add("x-api-key", GatewayHost.AdminKey);

        (await host.NewClient().SendAsync(request)).StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(GatewayHost.AdminKey)]
    [InlineData("metrics-key-0123456789")]
    public async Task Metrics_AdminKeyOrMetricsKey_200(string key)
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:MetricsKey"] = "metrics-key-0123456789" });

        var response = await host.NewClient(key).GetAsync("/metrics");

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("gateway_writer_queue_depth");
    }

    [Fact]
    public async Task Metrics_PublicMetricsTrue_200WithoutKey()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:PublicMetrics"] = "true" });

        (await host.NewClient().GetAsync("/metrics")).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
    }
}
