using System.ClientModel;
using System.Net;
using System.Text;
using Anthropic;
using Anthropic.Models.Messages;
using Gateway.Tests.Fakes;
using OpenAI;
using OpenAI.Chat;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// SPEC §9: an upstream reached over HTTPS by its host name sees its own name, in the TLS handshake
/// (SNI) and in <c>Host</c>, whatever name the client used for the gateway. The fake refuses a wrong
/// server name at the handshake and answers 421 to a wrong Host, as a provider's edge does.
/// </summary>
public class HttpsUpstreamTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("gateway.client.example:8080")]
    public async Task AnyClientHost_UpstreamSeesItsOwnNameInSniAndHost(string clientHost)
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        using var client = host.NewClient(key);

        foreach (var stream in new[] { false, true })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent($$"""{"model":"test-model","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Host = clientHost;
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();

            response.StatusCode.Should().Be(HttpStatusCode.OK, body);
            body.Should().Contain(stream ? "[DONE]" : "chat.completion");
        }
        host.Upstream.Misdirected.Should().Be(0);
        var upstreamHost = new Uri(host.Upstream.HttpsAddress).Authority;
        host.Upstream.Received.Should().HaveCount(2).And.OnlyContain(r => r.Headers["host"] == upstreamHost);
        (await host.RowsOfTypeAsync("consume")).Should().HaveCount(2);
    }

    [Fact]
    public async Task OfficialSdks_OverHttpsUpstream_StreamAndNot()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        var openai = new ChatClient("test-model", new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri($"http://localhost:{host.Address.Port}/v1") });
        var anthropic = new AnthropicClient { ApiKey = key, BaseUrl = $"http://localhost:{host.Address.Port}" };
        var parameters = new MessageCreateParams { MaxTokens = 100, Messages = [new UserMessageParam { Content = "hi" }], Model = "claude-sonnet-4" };

        (await openai.CompleteChatAsync([new UserChatMessage("hi")])).Value.Content[0].Text.Should().Be(FakeBehavior.LongReply);
        var streamed = new StringBuilder();
        await foreach (var update in openai.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            foreach (var part in update.ContentUpdate)
                streamed.Append(part.Text);
        streamed.ToString().Trim().Should().Be(FakeBehavior.LongReply);
        var message = await anthropic.Messages.Create(parameters);
        message.Content.Should().ContainSingle();
        var events = 0;
        await foreach (var _ in anthropic.Messages.CreateStreaming(parameters))
            events++;
        events.Should().BeGreaterThan(10);

        host.Upstream.Misdirected.Should().Be(0);
        (await host.RowsOfTypeAsync("consume")).Should().HaveCount(4);
    }

    [Fact]
    public async Task ClientHeaders_OnlyTheSpecListIsWithheld()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:openai:Metadata:Organization"] = "org-operator",
        });
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        using var client = host.NewClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Connection.Add("x-hop-named");
        request.Headers.TryAddWithoutValidation("x-hop-named", "must not pass");
        request.Headers.TryAddWithoutValidation("Cookie", "session=client");
        request.Headers.TryAddWithoutValidation("api-key", "client-azure-key");
        request.Headers.TryAddWithoutValidation("x-goog-api-key", "client-gemini-key");
        request.Headers.TryAddWithoutValidation("x-api-key", "client-anthropic-key");
        request.Headers.TryAddWithoutValidation("OpenAI-Organization", "org-client");
        request.Headers.TryAddWithoutValidation("OpenAI-Project", "proj-client");
        request.Headers.TryAddWithoutValidation("anthropic-beta", "tools-2024-04-04");
        request.Headers.TryAddWithoutValidation("x-custom-trace", "abc");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var received = host.Upstream.Received.Single().Headers;
        received.Should().NotContainKeys("x-hop-named", "cookie", "api-key", "x-goog-api-key", "x-api-key", "openai-project", "x-forwarded-for");
        received["openai-organization"].Should().Be("org-operator");
        received["authorization"].Should().Be($"Bearer {GatewayHost.UpstreamKey}");
        received["anthropic-beta"].Should().Be("tools-2024-04-04");
        received["x-custom-trace"].Should().Be("abc");
        received.Values.Should().NotContain(v => v.Contains(key) || v.Contains("client-"));
    }

    [Fact]
    public async Task PlainUpstream_StillServed()
    {
        await using var host = await GatewayHost.StartAsync(plainUpstream: true);
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        using var client = host.NewClient(key);

        using var response = await client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        host.Upstream.BaseAddress.Should().StartWith("http://");
        (await response.Content.ReadAsStringAsync()).Should().Contain(FakeBehavior.LongReply);
    }
}
