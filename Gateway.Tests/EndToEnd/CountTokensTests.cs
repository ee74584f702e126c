using System.Net;
using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>SPEC §12: <c>POST /v1/messages/count_tokens</c> is forwarded to the model's cluster, leaves a row and costs nothing.</summary>
public class CountTokensTests
{
    [Fact]
    public async Task AnthropicSdk_CountTokens_ForwardedRenamed_OneFreeRow()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 4_321 };
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        var client = new AnthropicClient { ApiKey = key, BaseUrl = host.Address.ToString().TrimEnd('/') };

        var count = await client.Messages.CountTokens(new MessageCountTokensParams
        {
            Messages = [new UserMessageParam { Content = "How many tokens is this?" }],
            Model = "claude-3-5-haiku",
        });

        count.InputTokens.Should().Be(4_321);
        var sent = host.Upstream.Received.Single();
        sent.Path.Should().Be("/v1/messages/count_tokens");
        sent.Headers["x-api-key"].Should().Be(GatewayHost.AnthropicUpstreamKey);
        JsonDocument.Parse(sent.Body).RootElement.GetProperty("model").GetString().Should().Be("claude-3-5-haiku-20241022");
        var row = (await host.LogsAsync()).Single(r => r.GetProperty("type").GetString() != "system");
        row.GetProperty("type").GetString().Should().Be("consume");
        row.GetProperty("path").GetString().Should().Be("/v1/messages/count_tokens");
        row.GetProperty("model").GetString().Should().Be("claude-3-5-haiku");
        row.GetProperty("spend").GetDecimal().Should().Be(0m);
        row.GetProperty("details").GetProperty("price").GetDecimal().Should().Be(0m);
        (await host.BalanceAsync(account)).Should().Be(1m);
    }

    [Fact]
    public async Task CountTokens_ModelNotListed_404InAnthropicShape_ErrorRow_NotForwarded()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        using var client = host.NewClient(key);

        using var response = await client.PostAsync("/v1/messages/count_tokens",
            JsonContent("""{"model":"claude-nope","messages":[{"role":"user","content":"hi"}]}"""));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("type").GetString().Should().Be("error");
        body.GetProperty("error").GetProperty("type").GetString().Should().Be("not_found_error");
        host.Upstream.Received.Should().BeEmpty();
        var row = (await host.LogsAsync()).Single(r => r.GetProperty("type").GetString() != "system");
        row.GetProperty("type").GetString().Should().Be("error");
        row.GetProperty("status").GetInt32().Should().Be(404);
    }
}
