using System.Net;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>Each OpenAI route, JSON and streamed, yields its usage in the row.</summary>
public class WireFormatTests
{
    [Theory]
    [InlineData("/v1/completions", """{"model":"test-model","prompt":"Say hi"}""", false)]
    [InlineData("/v1/completions", """{"model":"test-model","prompt":"Say hi","stream":true}""", true)]
    [InlineData("/v1/responses", """{"model":"test-model","input":"Say hi"}""", false)]
    [InlineData("/v1/responses", """{"model":"test-model","input":"Say hi","stream":true}""", true)]
    [InlineData("/v1/embeddings", """{"model":"test-model","input":"embed me"}""", false)]
    [InlineData("/pg/chat/completions", """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""", true)]
    public async Task Route_UsageFromUpstreamInRow(string path, string body, bool stream)
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 17, CompletionTokens = 4 };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        var response = await host.NewClient(key).PostAsync(path, JsonContent(body));
        await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("path").GetString().Should().Be(path);
        row.GetProperty("stream").GetBoolean().Should().Be(stream);
        row.GetProperty("input_tokens").GetInt64().Should().Be(17);
        row.GetProperty("output_tokens").GetInt64().Should().Be(path.Contains("embeddings") ? 0 : 4);
        row.GetProperty("details").GetProperty("usage_source").GetString().Should().Be("upstream");
    }
}
