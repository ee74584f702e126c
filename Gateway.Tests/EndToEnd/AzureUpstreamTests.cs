using System.ClientModel;
using Gateway.Tests.Fakes;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// SPEC §11: an Azure OpenAI cluster (<c>Metadata:Format</c> <c>azure</c>) gets OpenAI's bodies on Azure's paths,
/// <c>/openai/deployments/{UpstreamModel}/…?api-version=</c>, with its key in <c>api-key</c>; clients keep speaking OpenAI.
/// </summary>
public class AzureUpstreamTests
{
    private const string AzureKey = "azure-upstream-key-0123456789";

    private static Dictionary<string, string?> Azure(FakeUpstream upstream, string? apiVersion = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:azure:Destinations:default:Address"] = upstream.BaseAddress,
            ["ReverseProxy:Clusters:azure:Metadata:Format"] = "azure",
            ["ReverseProxy:Clusters:azure:Metadata:ApiKey"] = AzureKey,
            ["Models:gpt-4o-azure:Cluster"] = "azure",
            ["Models:gpt-4o-azure:UpstreamModel"] = "my-gpt4o",
            ["Models:gpt-4o-azure:ModelRatio"] = "1",
            ["Models:embed-azure:Cluster"] = "azure",
            ["Models:embed-azure:UpstreamModel"] = "my-embeddings",
            ["Models:embed-azure:ModelRatio"] = "0.01",
        };
        if (apiVersion is not null)
            settings["ReverseProxy:Clusters:azure:Metadata:ApiVersion"] = apiVersion;
        return settings;
    }

    private static OpenAIClient Sdk(GatewayHost host, string key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(host.Address, "/v1") });

    [Fact]
    public async Task OpenAISdk_ChatStreamedAndNot_ReachesTheDeploymentWithApiKeyHeader_Metered()
    {
        await using var azure = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(Azure(azure, "2025-01-01-preview"), plainUpstream: true);
        var account = await host.CreateAccountAsync(1m);
        var chat = Sdk(host, await host.CreateKeyAsync(account)).GetChatClient("gpt-4o-azure");

        var answer = await chat.CompleteChatAsync([new UserChatMessage("hi")]);
        var streamed = new System.Text.StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            foreach (var part in update.ContentUpdate)
                streamed.Append(part.Text);

        answer.Value.Content[0].Text.Should().NotBeEmpty();
        streamed.ToString().Should().NotBeEmpty();
        azure.Received.Should().HaveCount(2).And.OnlyContain(r =>
            r.Path == "/openai/deployments/my-gpt4o/chat/completions" && r.Query == "?api-version=2025-01-01-preview"
            && r.Headers["api-key"] == AzureKey && !r.Headers.ContainsKey("authorization"));
        var rows = (await host.LogsAsync()).Where(r => r.GetProperty("type").GetString() == "consume").ToArray();
        rows.Should().HaveCount(2).And.OnlyContain(r => r.GetProperty("input_tokens").GetInt64() > 0 && r.GetProperty("spend").GetDecimal() > 0m);
        rows.Select(r => r.GetRawText()).Should().NotContain(text => text.Contains(AzureKey));
        (await host.BalanceAsync(account)).Should().Be(1m - rows.Sum(r => r.GetProperty("spend").GetDecimal()));
    }

    [Fact]
    public async Task OpenAISdk_Embeddings_DefaultApiVersion()
    {
        await using var azure = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(Azure(azure), plainUpstream: true);
        var embeddings = Sdk(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m))).GetEmbeddingClient("embed-azure");

        var vector = await embeddings.GenerateEmbeddingAsync("hello");

        vector.Value.ToFloats().Length.Should().BeGreaterThan(0);
        var sent = azure.Received.Single();
        sent.Path.Should().Be("/openai/deployments/my-embeddings/embeddings");
        sent.Query.Should().Be("?api-version=" + global::Gateway.Upstream.ClusterDirectory.DefaultAzureApiVersion);
    }

    [Fact]
    public async Task AnthropicClient_AzureModel_TranslatedToTheDeployment()
    {
        await using var azure = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(Azure(azure), plainUpstream: true);
        using var client = host.NewClient();
        client.DefaultRequestHeaders.Add("x-api-key", await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));
        client.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");

        using var response = await client.PostAsync("/v1/messages", new StringContent(
            """{"model":"gpt-4o-azure","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("type").GetString().Should().Be("message");
        body.GetProperty("usage").GetProperty("input_tokens").GetInt64().Should().BeGreaterThan(0);
        azure.Received.Single().Path.Should().Be("/openai/deployments/my-gpt4o/chat/completions");
        azure.Received.Single().Headers["api-key"].Should().Be(AzureKey);
    }

    [Fact]
    public async Task GeminiClient_AzureModel_TranslatedToTheDeployment_ItsKeyParameterNeverForwarded()
    {
        await using var azure = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(Azure(azure), plainUpstream: true);
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        using var response = await host.NewClient().PostAsync($"/v1beta/models/gpt-4o-azure:generateContent?key={key}", new StringContent(
            """{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString().Should().NotBeEmpty();
        var sent = azure.Received.Single();
        sent.Path.Should().Be("/openai/deployments/my-gpt4o/chat/completions");
        sent.Query.Should().Be("?api-version=" + global::Gateway.Upstream.ClusterDirectory.DefaultAzureApiVersion, "the client's ?key= is its own API's, never the upstream's");
        sent.Headers["api-key"].Should().Be(AzureKey);
    }
}
