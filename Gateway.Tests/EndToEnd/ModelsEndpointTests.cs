using System.ClientModel;
using System.Net;
using System.Text.Json;
using Anthropic;
using Gateway.Tests.Fakes;
using OpenAI;
using OpenAI.Models;

namespace Gateway.Tests.EndToEnd;

/// <summary>SPEC §12: <c>GET /v1/models/{id}</c>, and the model list in Anthropic's shape for Anthropic clients.</summary>
public class ModelsEndpointTests
{
    [Fact]
    public async Task OpenAISdk_GetModel_ListedModel_Answered()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        var client = new OpenAIModelClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(host.Address, "/v1") });

        OpenAIModel model = await client.GetModelAsync("test-model");

        model.Id.Should().Be("test-model");
        model.OwnedBy.Should().Be("openai");
    }

    [Theory]
    [InlineData("no-such-model")]
    [InlineData("org/test-model")]
    public async Task GetModel_NotCallable_404InOpenAIShape(string id)
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        var (status, body) = await host.GetJsonAsync($"/v1/models/{id}", key);

        status.Should().Be(HttpStatusCode.NotFound);
        body.GetProperty("error").GetProperty("code").GetString().Should().Be("model_not_found");
    }

    [Fact]
    public async Task GetModel_NoKey_401()
    {
        await using var host = await GatewayHost.StartAsync();

        var (status, body) = await host.GetJsonAsync("/v1/models/test-model", key: null);

        status.Should().Be(HttpStatusCode.Unauthorized);
        body.GetProperty("error").GetProperty("code").GetString().Should().Be("invalid_api_key");
    }

    [Fact]
    public async Task AnthropicSdk_ListAndRetrieve_AnthropicShape()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        var client = new AnthropicClient { ApiKey = key, BaseUrl = host.Address.ToString().TrimEnd('/') };

        var page = await client.Models.List();
        var model = await client.Models.Retrieve("claude-3-5-haiku");

        page.Items.Select(m => m.ID).Should().Contain(["claude-3-5-haiku", "test-model"]).And.BeInAscendingOrder(StringComparer.Ordinal);
        model.ID.Should().Be("claude-3-5-haiku");
        model.DisplayName.Should().Be("claude-3-5-haiku");
    }

    [Fact]
    public async Task ListModels_AnthropicVersionHeader_AnthropicListShape_ElseOpenAI()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        using var client = host.NewClient(key);
        using var anthropicRequest = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "anthropic-version", "2023-06-01" } } };

        var anthropic = JsonDocument.Parse(await (await client.SendAsync(anthropicRequest)).Content.ReadAsStringAsync()).RootElement;
        var openai = JsonDocument.Parse(await client.GetStringAsync("/v1/models")).RootElement;

        anthropic.GetProperty("has_more").GetBoolean().Should().BeFalse();
        var data = anthropic.GetProperty("data").EnumerateArray().ToArray();
        data.Should().OnlyContain(m => m.GetProperty("type").GetString() == "model" && m.GetProperty("created_at").GetDateTimeOffset() == DateTimeOffset.UnixEpoch);
        anthropic.GetProperty("first_id").GetString().Should().Be(data[0].GetProperty("id").GetString());
        anthropic.GetProperty("last_id").GetString().Should().Be(data[^1].GetProperty("id").GetString());
        anthropic.TryGetProperty("object", out _).Should().BeFalse();
        openai.GetProperty("object").GetString().Should().Be("list");
        openai.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString())
            .Should().Equal(data.Select(m => m.GetProperty("id").GetString()));
    }
}
