using System.ClientModel;
using System.Text.Json;
using Gateway.Tests.Fakes;
using OpenAI;
using OpenAI.Chat;

namespace Gateway.Tests.EndToEnd;

/// <summary>The official OpenAI SDK through the real gateway to the fake upstream, one exact row per call.</summary>
public class ChatCompletionsTests
{
    private static ChatClient Sdk(GatewayHost host, string key, string model = "test-model") =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(host.Address, "/v1") });

    [Fact]
    public async Task CompleteChat_NonStreaming_OneRowWithExactSpendAndBalanceDebit()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 1000, CompletionTokens = 500, CachedTokens = 200 };
        var account = await host.CreateAccountAsync(10m);
        var key = await host.CreateKeyAsync(account);

        var result = await Sdk(host, key).CompleteChatAsync([new UserChatMessage("Say hello")]);

        result.Value.Content[0].Text.Should().Be(host.Upstream.Behavior.Reply);
        result.GetRawResponse().Headers.TryGetValue("x-request-id", out var requestId).Should().BeTrue();
        result.GetRawResponse().Headers.TryGetValue("x-gateway-overhead-ms", out var overhead).Should().BeTrue();
        double.Parse(overhead!, System.Globalization.CultureInfo.InvariantCulture).Should().BeInRange(0, 5000);
        var row = (await host.RowsOfTypeAsync("consume")).Should().ContainSingle().Subject;
        row.GetProperty("request_id").GetString().Should().Be(requestId);
        row.GetProperty("model").GetString().Should().Be("test-model");
        row.GetProperty("path").GetString().Should().Be("/v1/chat/completions");
        row.GetProperty("status").GetInt32().Should().Be(200);
        row.GetProperty("stream").GetBoolean().Should().BeFalse();
        row.GetProperty("account_id").GetInt64().Should().Be(account);
        row.GetProperty("token_name").GetString().Should().Be("ci");
        row.GetProperty("group").GetString().Should().Be("default");
        row.GetProperty("input_tokens").GetInt64().Should().Be(1000);
        row.GetProperty("output_tokens").GetInt64().Should().Be(500);
        row.GetProperty("cached_tokens").GetInt64().Should().Be(200);
        row.GetProperty("first_token_ms").ValueKind.Should().Be(JsonValueKind.Null);
        row.GetProperty("duration_ms").GetInt64().Should().BeGreaterThanOrEqualTo(0);
        row.GetProperty("ip").ValueKind.Should().Be(JsonValueKind.Null);
        row.GetProperty("time").GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
        // (800 plain + 200 × 0.5 cached + 500 × 2 completion) × ratio 1 × $2 / 1M
        row.GetProperty("spend").GetDecimal().Should().Be(0.0038m);
        var details = row.GetProperty("details");
        details.GetProperty("model_ratio").GetDecimal().Should().Be(1m);
        details.GetProperty("completion_ratio").GetDecimal().Should().Be(2m);
        details.GetProperty("cache_ratio").GetDecimal().Should().Be(0.5m);
        details.GetProperty("group_ratio").GetDecimal().Should().Be(1m);
        details.GetProperty("input_price_per_1m").GetDecimal().Should().Be(2m);
        details.GetProperty("output_price_per_1m").GetDecimal().Should().Be(4m);
        details.GetProperty("usage_source").GetString().Should().Be("upstream");
        details.GetProperty("completed").GetBoolean().Should().BeTrue();
        (await host.BalanceAsync(account)).Should().Be(9.9962m);
        (await host.QueryScalarAsync<long>("SELECT balance_nano FROM accounts WHERE id = " + account)).Should().Be(9_996_200_000);
        (await host.QueryScalarAsync<long>("SELECT spend_nano FROM logs WHERE type = 'consume'")).Should().Be(3_800_000);
    }

    [Fact]
    public async Task CompleteChat_ClientKeyIsReplacedByClusterKey()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        await Sdk(host, key).CompleteChatAsync([new UserChatMessage("hi")]);

        var received = host.Upstream.Received.Should().ContainSingle().Subject;
        received.Path.Should().Be("/v1/chat/completions");
        received.Headers["authorization"].Should().Be($"Bearer {GatewayHost.UpstreamKey}");
        received.Headers.Values.Should().NotContain(v => v.Contains(key));
        received.Headers.Should().NotContainKey("x-api-key");
    }

    [Fact]
    public async Task CompleteChat_UpstreamModel_RenamesOnTheWayOutAndRowKeepsClientName()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        await Sdk(host, key, "renamed-model").CompleteChatAsync([new UserChatMessage("hi")]);

        JsonDocument.Parse(host.Upstream.Received.Single().Body).RootElement.GetProperty("model").GetString().Should().Be("upstream-name");
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("model").GetString().Should().Be("renamed-model");
        row.GetProperty("details").GetProperty("upstream_model").GetString().Should().Be("upstream-name");
    }

    [Fact]
    public async Task CompleteChat_GroupRatio_AppliesToSpend()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 1_000_000, CompletionTokens = 0 };
        var account = await host.CreateAccountAsync(10m);
        var key = await host.CreateKeyAsync(account, group: "vip");

        await Sdk(host, key).CompleteChatAsync([new UserChatMessage("hi")]);

        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("group").GetString().Should().Be("vip");
        row.GetProperty("spend").GetDecimal().Should().Be(1.6m);
        row.GetProperty("details").GetProperty("group_ratio").GetDecimal().Should().Be(0.8m);
        (await host.BalanceAsync(account)).Should().Be(8.4m);
    }

    [Fact]
    public async Task ManyRequests_BalanceEqualsInitialPlusTopUpsMinusSumOfSpend()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 333, CompletionTokens = 77, CachedTokens = 11 };
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        var sdk = Sdk(host, key);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => sdk.CompleteChatAsync([new UserChatMessage("hi")])));
        await host.Admin.PostAsync($"/admin/accounts/{account}/topup", JsonContent("""{"amount": 2.5}"""));

        var rows = await host.RowsOfTypeAsync("consume");
        rows.Should().HaveCount(20);
        rows.Select(r => r.GetProperty("request_id").GetString()).Should().OnlyHaveUniqueItems();
        var spent = rows.Sum(r => r.GetProperty("spend").GetDecimal());
        (await host.BalanceAsync(account)).Should().Be(1m + 2.5m - spent);
    }

    internal static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
