using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Tests.Fakes;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// SPEC §11, Gemini as a client format: Google's own routes, <c>/v1beta/models/{model}:generateContent</c>,
/// <c>:streamGenerateContent?alt=sse</c> and <c>:countTokens</c>, the gateway key in <c>x-goog-api-key</c> or
/// <c>?key=</c>, errors in Google's shape. A raw HttpClient speaks as Google's SDKs do (no Google GenAI .NET SDK
/// is available here); the models sit on Gemini-, OpenAI- and Anthropic-format clusters.
/// </summary>
public class GeminiClientTests
{
    private const string Ask = """{"systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"Tell me a story"}]}],"generationConfig":{"maxOutputTokens":100,"temperature":0.5}}""";

    [Fact]
    public async Task GeminiModel_KeyInQuery_ForwardedAsSentWithoutTheKey_MeteredFromUsageMetadata()
    {
        // An operator who turns ASP.NET's request logging on: its "Request starting" line holds the query.
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace" });
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 1000, CachedTokens = 400, CompletionTokens = 200, ThoughtsTokens = 100, Reply = FakeBehavior.ShortReply };
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        using var client = host.NewClient();

        using var whole = await client.PostAsync($"/v1beta/models/gemini-flash:generateContent?key={key}", Json(Ask));
        using var streamed = await client.PostAsync($"/v1beta/models/gemini-flash:streamGenerateContent?alt=sse&key={key}", Json(Ask));

        whole.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = JsonNode.Parse(await whole.Content.ReadAsStringAsync())!;
        ((string?)body["candidates"]![0]!["content"]!["parts"]![0]!["text"]).Should().Be(FakeBehavior.ShortReply);
        ((long)body["usageMetadata"]!["thoughtsTokenCount"]!).Should().Be(100);
        streamed.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var chunks = Chunks(await streamed.Content.ReadAsStringAsync());
        string.Concat(chunks.Select(Text)).Trim().Should().Be(FakeBehavior.ShortReply);
        ((string?)chunks[^1]["candidates"]![0]!["finishReason"]).Should().Be("STOP");
        var received = host.Upstream.Received.ToArray();
        received.Select(r => r.Path + r.Query).Should().Equal(
            "/v1beta/models/gemini-2.5-flash:generateContent", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        received.Should().OnlyContain(r => r.Body == Ask && r.Headers["x-goog-api-key"] == GatewayHost.GeminiUpstreamKey);
        var rows = (await host.RowsOfTypeAsync("consume")).OrderBy(r => r.GetProperty("id").GetInt64()).ToArray();
        rows.Select(r => r.GetProperty("path").GetString()).Should().Equal(
            "/v1beta/models/gemini-flash:generateContent", "/v1beta/models/gemini-flash:streamGenerateContent");
        rows.Select(r => r.GetProperty("stream").GetBoolean()).Should().Equal(false, true);
        // (600 + 400 × 0.25 + 300 × 4) × $1 / 1M each
        rows.Should().OnlyContain(r => r.GetProperty("input_tokens").GetInt64() == 1000 && r.GetProperty("cached_tokens").GetInt64() == 400
            && r.GetProperty("output_tokens").GetInt64() == 300 && r.GetProperty("spend").GetDecimal() == 0.0019m);
        rows[1].GetProperty("details").GetProperty("completed").GetBoolean().Should().BeTrue();
        (await host.BalanceAsync(account)).Should().Be(1m - 2 * 0.0019m);
        var everything = string.Join("\n", (await host.LogsAsync()).Select(r => r.GetRawText()).Concat(host.Logs.Lines).Concat(received.Select(r => r.Query + r.Body)));
        everything.Should().NotContain(key).And.NotContain(key[6..]);
    }

    [Fact]
    public async Task OpenAIModel_TranslatedBothWays_StreamedAndNot_RowsExact()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 1000, CachedTokens = 200, CompletionTokens = 100, Reply = FakeBehavior.ShortReply };
        using var client = Google(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        using var whole = await client.PostAsync("/v1beta/models/test-model:generateContent", Json(Ask));
        using var streamed = await client.PostAsync("/v1beta/models/test-model:streamGenerateContent?alt=sse", Json(Ask));

        whole.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = JsonNode.Parse(await whole.Content.ReadAsStringAsync())!;
        Text(body).Should().Be(FakeBehavior.ShortReply);
        ((string?)body["candidates"]![0]!["finishReason"]).Should().Be("STOP");
        ((long)body["usageMetadata"]!["promptTokenCount"]!).Should().Be(1000);
        ((long)body["usageMetadata"]!["cachedContentTokenCount"]!).Should().Be(200);
        ((long)body["usageMetadata"]!["candidatesTokenCount"]!).Should().Be(100);
        var chunks = Chunks(await streamed.Content.ReadAsStringAsync());
        string.Concat(chunks.Select(Text)).Trim().Should().Be(FakeBehavior.ShortReply);
        chunks.Count.Should().BeGreaterThan(3, "each text delta leaves as its own chunk");
        ((long)chunks[^1]["usageMetadata"]!["promptTokenCount"]!).Should().Be(1000);
        var received = host.Upstream.Received.ToArray();
        received.Should().OnlyContain(r => r.Path == "/v1/chat/completions" && r.Query == ""
            && r.Headers["authorization"] == $"Bearer {GatewayHost.UpstreamKey}" && !r.Headers.ContainsKey("x-goog-api-key"));
        var sent = JsonNode.Parse(received[0].Body)!;
        ((string?)sent["model"]).Should().Be("test-model");
        ((string?)sent["messages"]![0]!["role"]).Should().Be("system");
        ((int)sent["max_completion_tokens"]!).Should().Be(100);
        ((bool?)JsonNode.Parse(received[1].Body)!["stream"]).Should().BeTrue();
        var rows = (await host.RowsOfTypeAsync("consume")).OrderBy(r => r.GetProperty("id").GetInt64()).ToArray();
        rows.Select(r => r.GetProperty("stream").GetBoolean()).Should().Equal(false, true);
        // (800 + 200 × 0.5 + 100 × 2) × $2 / 1M each
        rows.Should().OnlyContain(r => r.GetProperty("input_tokens").GetInt64() == 1000 && r.GetProperty("cached_tokens").GetInt64() == 200
            && r.GetProperty("output_tokens").GetInt64() == 100 && r.GetProperty("spend").GetDecimal() == 0.0022m);
        rows[1].GetProperty("first_token_ms").ValueKind.Should().Be(JsonValueKind.Number);
    }

    [Fact]
    public async Task AnthropicModel_TranslatedThroughTheOpenAIPivot_StreamedAndNot_RowsExact()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 1000, CachedTokens = 300, CacheWriteTokens = 100, CompletionTokens = 200, Reply = FakeBehavior.ShortReply };
        using var client = Google(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        using var whole = await client.PostAsync("/v1beta/models/claude-sonnet-4:generateContent", Json(Ask));
        using var streamed = await client.PostAsync("/v1beta/models/claude-sonnet-4:streamGenerateContent?alt=sse", Json(Ask));

        var body = JsonNode.Parse(await whole.Content.ReadAsStringAsync())!;
        Text(body).Should().Be(FakeBehavior.ShortReply);
        ((string?)body["candidates"]![0]!["finishReason"]).Should().Be("STOP");
        ((long)body["usageMetadata"]!["promptTokenCount"]!).Should().Be(1000, "Gemini's prompt count includes the cache reads and writes");
        var chunks = Chunks(await streamed.Content.ReadAsStringAsync());
        string.Concat(chunks.Select(Text)).Trim().Should().Be(FakeBehavior.ShortReply);
        ((string?)chunks[^1]["candidates"]![0]!["finishReason"]).Should().Be("STOP");
        ((long)chunks[^1]["usageMetadata"]!["candidatesTokenCount"]!).Should().Be(200);
        var received = host.Upstream.Received.ToArray();
        received.Should().OnlyContain(r => r.Path == "/v1/messages" && r.Headers["x-api-key"] == GatewayHost.AnthropicUpstreamKey);
        var sent = JsonNode.Parse(received[1].Body)!;
        ((string?)sent["model"]).Should().Be("claude-sonnet-4-20250514");
        ((string?)sent["system"]![0]!["text"]).Should().Be("Be brief.");
        ((int)sent["max_tokens"]!).Should().Be(100);
        ((bool?)sent["stream"]).Should().BeTrue();
        var rows = (await host.RowsOfTypeAsync("consume")).OrderBy(r => r.GetProperty("id").GetInt64()).ToArray();
        rows.Select(r => r.GetProperty("stream").GetBoolean()).Should().Equal(false, true);
        // (600 + 300 × 0.1 + 100 × 1.25 + 200 × 5) × 1.5 × $2 / 1M each
        rows.Should().OnlyContain(r => r.GetProperty("input_tokens").GetInt64() == 1000 && r.GetProperty("cached_tokens").GetInt64() == 300
            && r.GetProperty("cache_write_tokens").GetInt64() == 100 && r.GetProperty("output_tokens").GetInt64() == 200
            && r.GetProperty("spend").GetDecimal() == 0.005265m);
    }

    [Fact]
    public async Task OpenAIModelStreamedFunctionCall_ArrivesWholeAsAFunctionCall_AndItsResponseGoesBackAsAToolMessage()
    {
        await using var host = await GatewayHost.StartAsync();
        using var client = Google(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));
        const string tools = """{"functionDeclarations":[{"name":"write_report","description":"Write it","parametersJsonSchema":{"type":"object"}}]}""";

        using var first = await client.PostAsync("/v1beta/models/test-model:streamGenerateContent?alt=sse",
            Json($$"""{"contents":[{"role":"user","parts":[{"text":"Write the report"}]}],"tools":[{{tools}}]}"""));

        var chunks = Chunks(await first.Content.ReadAsStringAsync());
        var calls = chunks.SelectMany(c => c["candidates"]![0]!["content"]!["parts"]!.AsArray()).Where(p => p!["functionCall"] is not null).ToArray();
        var call = calls.Single()!["functionCall"]!;
        ((string?)call["name"]).Should().Be(FakeBodies.ToolName);
        JsonNode.DeepEquals(call["args"], JsonNode.Parse(FakeBodies.ToolArguments(host.Upstream.Behavior))).Should().BeTrue("OpenAI's argument pieces are gathered into one args object");
        ((string?)chunks[^1]["candidates"]![0]!["finishReason"]).Should().Be("STOP");

        using var second = await client.PostAsync("/v1beta/models/test-model:generateContent", Json($$$$"""
            {"contents":[{"role":"user","parts":[{"text":"Write the report"}]},
                         {"role":"model","parts":[{"functionCall":{"name":"write_report","args":{"title":"Plan"}}}]},
                         {"role":"user","parts":[{"functionResponse":{"name":"write_report","response":{"saved":true}}}]}],"tools":[{{{{tools}}}}]}
            """));

        second.StatusCode.Should().Be(HttpStatusCode.OK);
        var messages = JsonNode.Parse(host.Upstream.Received.Last().Body)!["messages"]!.AsArray();
        messages.Select(m => (string?)m!["role"]).Should().Equal("user", "assistant", "tool");
        var toolCall = messages[1]!["tool_calls"]![0]!;
        ((string?)messages[2]!["tool_call_id"]).Should().Be((string?)toolCall["id"]);
        ((string?)toolCall["function"]!["name"]).Should().Be("write_report");
    }

    [Fact]
    public async Task AnthropicModelRecordedToolUseStream_ReachesTheGeminiClientAsChunks_TheCallWholeWithTheUsage()
    {
        await using var host = await GatewayHost.StartAsync();
        // Anthropic's own recorded answer: some text, then a streamed tool_use block, then the usage.
        host.Upstream.Behavior = FakeBehavior.ReplayStream("anthropic-messages-stream.sse");
        using var client = Google(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        using var response = await client.PostAsync("/v1beta/models/claude-sonnet-4:streamGenerateContent?alt=sse", Json(
            """{"contents":[{"role":"user","parts":[{"text":"Weather in San Francisco?"}]}],"tools":[{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"OBJECT","properties":{"location":{"type":"STRING"}}}}]}]}"""));

        var chunks = Chunks(await response.Content.ReadAsStringAsync());
        string.Concat(chunks.Select(Text)).Should().Be("Okay, let me check the weather in San Francisco for you.");
        var last = chunks[^1];
        var call = last["candidates"]![0]!["content"]!["parts"]!.AsArray().Single(p => p!["functionCall"] is not null)!["functionCall"]!;
        ((string?)call["name"]).Should().Be("get_weather");
        JsonNode.DeepEquals(call["args"], JsonNode.Parse("""{"location": "San Francisco, CA", "unit": "fahrenheit"}""")).Should().BeTrue();
        ((string?)last["candidates"]![0]!["finishReason"]).Should().Be("STOP");
        ((long)last["usageMetadata"]!["promptTokenCount"]!).Should().Be(21 + 1188 + 3014);
        ((long)last["usageMetadata"]!["cachedContentTokenCount"]!).Should().Be(3014);
        ((long)last["usageMetadata"]!["candidatesTokenCount"]!).Should().Be(89);
        var sent = JsonNode.Parse(host.Upstream.Received.Single().Body)!;
        ((string?)sent["tools"]![0]!["input_schema"]!["properties"]!["location"]!["type"]).Should().Be("string", "Gemini's OpenAPI types become JSON Schema's");
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        (row.GetProperty("input_tokens").GetInt64(), row.GetProperty("cached_tokens").GetInt64(), row.GetProperty("cache_write_tokens").GetInt64(), row.GetProperty("output_tokens").GetInt64())
            .Should().Be((21 + 1188 + 3014, 3014, 1188, 89));
        // (21 + 3014 × 0.1 + 1188 × 1.25 + 89 × 5) × 1.5 × $2 / 1M
        row.GetProperty("spend").GetDecimal().Should().Be(0.0067572m);
        row.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task InlineImage_ReachesAnOpenAIModelAsADataUrl()
    {
        await using var host = await GatewayHost.StartAsync();
        using var client = Google(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        using var response = await client.PostAsync("/v1beta/models/test-model:generateContent", Json(
            """{"contents":[{"role":"user","parts":[{"text":"What is this?"},{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}}]}]}"""));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var content = JsonNode.Parse(host.Upstream.Received.Single().Body)!["messages"]![0]!["content"]!.AsArray();
        ((string?)content[1]!["image_url"]!["url"]).Should().Be("data:image/png;base64,iVBORw0KGgo=");
    }

    [Fact]
    public async Task CountTokens_GeminiModelForwardedFree_OtherFormatsA400()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 4_321 };
        var account = await host.CreateAccountAsync(1m);
        using var client = Google(host, await host.CreateKeyAsync(account));
        const string contents = """{"contents":[{"role":"user","parts":[{"text":"How many tokens is this?"}]}]}""";

        using var counted = await client.PostAsync("/v1beta/models/gemini-flash:countTokens", Json(contents));
        using var wrapped = await client.PostAsync("/v1beta/models/gemini-flash:countTokens",
            Json("""{"generateContentRequest":{"model":"models/gemini-flash","contents":[{"role":"user","parts":[{"text":"hi"}]}]}}"""));
        using var other = await client.PostAsync("/v1beta/models/test-model:countTokens", Json(contents));

        counted.StatusCode.Should().Be(HttpStatusCode.OK);
        ((long)JsonNode.Parse(await counted.Content.ReadAsStringAsync())!["totalTokens"]!).Should().Be(4_321);
        wrapped.StatusCode.Should().Be(HttpStatusCode.OK, "the wrapped request's own model is renamed like the path's");
        host.Upstream.Received.Should().HaveCount(2).And.OnlyContain(r => r.Path == "/v1beta/models/gemini-2.5-flash:countTokens");
        ((string?)JsonNode.Parse(host.Upstream.Received.Last().Body)!["generateContentRequest"]!["model"]).Should().Be("models/gemini-2.5-flash");
        await ShouldBeGoogleErrorAsync(other, 400, "INVALID_ARGUMENT", "countTokens");
        var rows = (await host.LogsAsync()).Where(r => r.GetProperty("type").GetString() is "consume" or "error").OrderBy(r => r.GetProperty("id").GetInt64()).ToArray();
        rows.Select(r => (r.GetProperty("type").GetString(), r.GetProperty("status").GetInt32(), r.GetProperty("spend").GetDecimal()))
            .Should().Equal(("consume", 200, 0m), ("consume", 200, 0m), ("error", 400, 0m));
        (await host.BalanceAsync(account)).Should().Be(1m);
    }

    [Fact]
    public async Task Refusals_AreInGooglesErrorShape()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        using var client = Google(host, key);

        await ShouldBeGoogleErrorAsync(await host.NewClient().PostAsync("/v1beta/models/gemini-flash:generateContent", Json(Ask)), 401, "UNAUTHENTICATED", "x-goog-api-key");
        await ShouldBeGoogleErrorAsync(await client.PostAsync("/v1beta/models/gemini-nope:generateContent", Json(Ask)), 404, "NOT_FOUND", "gemini-nope");
        await ShouldBeGoogleErrorAsync(await client.PostAsync("/v1beta/models/gemini-flash:streamGenerateContent", Json(Ask)), 400, "INVALID_ARGUMENT", "alt=sse");
        await ShouldBeGoogleErrorAsync(await client.PostAsync("/v1beta/models/gemini-flash:generateContent", Json("{not json")), 400, "INVALID_ARGUMENT", "JSON");
        await ShouldBeGoogleErrorAsync(await client.PostAsync("/v1beta/models/test-model:generateContent",
            Json("""{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"topK":5}}""")), 400, "INVALID_ARGUMENT", "generationConfig.topK");
        await ShouldBeGoogleErrorAsync(await client.GetAsync("/v1beta/models/gemini-flash:generateContent"), 404, "NOT_FOUND", "method and path");
        await ShouldBeGoogleErrorAsync(await client.PostAsync("/v1beta/tunedModels", Json("{}")), 404, "NOT_FOUND", "/v1beta");
        host.Upstream.Behavior = new FakeBehavior { FailWithStatus = 503 };
        await ShouldBeGoogleErrorAsync(await client.PostAsync("/v1beta/models/claude-sonnet-4:generateContent", Json(Ask)), 503, "UNAVAILABLE", "fake upstream failure");
        host.Upstream.Received.Should().OnlyContain(r => r.Path == "/v1/messages", "a refused call is never forwarded");
    }

    private static HttpClient Google(GatewayHost host, string key)
    {
        var client = host.NewClient();
        client.DefaultRequestHeaders.Add("x-goog-api-key", key);
        return client;
    }

    private static async Task ShouldBeGoogleErrorAsync(HttpResponseMessage response, int status, string googleStatus, string mentions)
    {
        using (response)
        {
            ((int)response.StatusCode).Should().Be(status);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
            ((int)error["code"]!).Should().Be(status);
            ((string?)error["status"]).Should().Be(googleStatus);
            ((string?)error["message"]).Should().Contain(mentions);
        }
    }

    /// <summary>Google's SSE: each event one <c>data:</c> line holding a whole GenerateContentResponse.</summary>
    private static List<JsonNode> Chunks(string sse) => sse.Split('\n')
        .Where(l => l.StartsWith("data:", StringComparison.Ordinal))
        .Select(l => JsonNode.Parse(l[5..].Trim())!).ToList();

    private static string Text(JsonNode response) =>
        string.Concat((response["candidates"]![0]!["content"]!["parts"] as JsonArray ?? []).Select(p => (string?)p!["text"]));

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
