using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic.Models.Messages;
using Gateway.Tests.Fakes;
using OpenAI.Chat;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// SPEC §11: a cluster of <c>Metadata:Format</c> <c>gemini</c> is Google's native API. The official OpenAI and
/// Anthropic SDKs call a model on it; the request reaches the strict Gemini fake as <c>generateContent</c> (or
/// <c>streamGenerateContent?alt=sse</c>) at the upstream model's path with the cluster's <c>x-goog-api-key</c>, the
/// answer comes back in the client's shape, and the row holds Google's own <c>usageMetadata</c>.
/// </summary>
public class GeminiUpstreamTests
{
    private const string Model = "gemini-flash";

    // 1000 prompt tokens of which 400 cached (Google counts them inside the prompt), 200 candidates and
    // 100 thinking tokens (output). Price: ratio 0.5 ($1/M), completion ×4, cache ×0.25:
    // (600 + 400 × 0.25 + 300 × 4) × $1 / 1M = $0.0019.
    private static readonly FakeBehavior Usage = new() { PromptTokens = 1000, CachedTokens = 400, CompletionTokens = 200, ThoughtsTokens = 100 };
    private const decimal Spend = 0.0019m;

    [Fact]
    public async Task OpenAISdk_GeminiModel_GenerateContentWithGooglesKey_MeteredFromUsageMetadata()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = Usage;
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);

        var completion = (await ChatSdks.OpenAI(host, key, Model).CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Tell me a story")])).Value;

        completion.Content.Single().Text.Should().Be(Usage.Reply);
        completion.FinishReason.Should().Be(ChatFinishReason.Stop);
        completion.Usage.InputTokenCount.Should().Be(1000);
        completion.Usage.InputTokenDetails.CachedTokenCount.Should().Be(400);
        completion.Usage.OutputTokenCount.Should().Be(300, "thinking tokens are output");
        var received = host.Upstream.Received.Single();
        received.Path.Should().Be("/v1beta/models/gemini-2.5-flash:generateContent");
        received.Query.Should().BeEmpty();
        received.Headers["x-goog-api-key"].Should().Be(GatewayHost.GeminiUpstreamKey);
        received.Headers.Should().NotContainKey("authorization");
        var sent = JsonNode.Parse(received.Body)!;
        ((string?)sent["systemInstruction"]!["parts"]![0]!["text"]).Should().Be("Be brief.");
        ((string?)sent["contents"]![0]!["role"]).Should().Be("user");
        ((string?)sent["contents"]![0]!["parts"]![0]!["text"]).Should().Be("Tell me a story");
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        AssertRow(row, "/v1/chat/completions", stream: false);
        (await host.BalanceAsync(account)).Should().Be(1m - Spend);
        (await host.LogsAsync()).Select(r => r.GetRawText()).Should().NotContain(text => text.Contains(GatewayHost.GeminiUpstreamKey) || text.Contains(key));
    }

    [Fact]
    public async Task OpenAISdk_GeminiModelStreamed_AltSseChunksBecomeOpenAIChunks_WithTheUsageChunk()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = Usage with { Reply = FakeBehavior.ShortReply };
        var sdk = ChatSdks.OpenAI(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)), Model);

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in sdk.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        text.ToString().Trim().Should().Be(FakeBehavior.ShortReply);
        finish.Should().Be(ChatFinishReason.Stop);
        usage!.InputTokenCount.Should().Be(1000);
        usage.OutputTokenCount.Should().Be(300);
        var received = host.Upstream.Received.Single();
        received.Path.Should().Be("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        received.Query.Should().Be("?alt=sse");
        JsonNode.Parse(received.Body)!.AsObject().Select(p => p.Key).Should().BeEquivalentTo(["contents"], "model and stream are in Gemini's path, not its body");
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        AssertRow(row, "/v1/chat/completions", stream: true);
        row.GetProperty("first_token_ms").ValueKind.Should().Be(JsonValueKind.Number);
        row.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeTrue("Gemini's stream ends with the finishReason chunk, no [DONE]");
    }

    [Fact]
    public async Task OpenAISdk_GeminiModelStreamedToolCall_RoundTripsAsFunctionCallAndFunctionResponse()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 80, CompletionTokens = 20 };
        var sdk = ChatSdks.OpenAI(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)), Model);
        var options = new ChatCompletionOptions { Tools = { ChatSdks.WeatherTool } };
        List<ChatMessage> conversation = [new UserChatMessage("Weather in Paris?")];

        var (_, callId, name, arguments, finish) = await ChatSdks.StreamAsync(sdk, conversation, options);

        name.Should().Be("get_weather");
        callId.Should().NotBeNullOrEmpty();
        JsonNode.DeepEquals(JsonNode.Parse(arguments), FakeGemini.FunctionCallArgs).Should().BeTrue();
        finish.Should().Be(ChatFinishReason.ToolCalls);
        var declared = JsonNode.Parse(host.Upstream.Received.Single().Body)!["tools"]![0]!["functionDeclarations"]![0]!;
        ((string?)declared["name"]).Should().Be("get_weather");

        host.Upstream.Behavior = new FakeBehavior { Reply = "It is 15 degrees and foggy.", PromptTokens = 120, CompletionTokens = 9 };
        conversation.Add(new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall(callId, name, BinaryData.FromString(arguments))]));
        conversation.Add(new ToolChatMessage(callId, """{"temperature":15,"sky":"fog"}"""));
        var answer = (await ChatSdks.StreamAsync(sdk, conversation, options)).Text;

        answer.Trim().Should().Be("It is 15 degrees and foggy.");
        var contents = JsonNode.Parse(host.Upstream.Received.Last().Body)!["contents"]!.AsArray();
        contents.Select(c => (string?)c!["role"]).Should().Equal("user", "model", "user");
        ((string?)contents[1]!["parts"]![0]!["functionCall"]!["name"]).Should().Be("get_weather");
        ((string?)contents[1]!["parts"]![0]!["functionCall"]!["args"]!["location"]).Should().Be("Paris");
        ((string?)contents[1]!["parts"]![0]!["thoughtSignature"]).Should().Be(FakeGemini.ThoughtSignature, "the signature rode in the call id");
        ((string?)contents[2]!["parts"]![0]!["functionResponse"]!["name"]).Should().Be("get_weather");
        var rows = (await host.RowsOfTypeAsync("consume")).OrderBy(r => r.GetProperty("id").GetInt64()).ToArray();
        rows.Select(r => (r.GetProperty("input_tokens").GetInt64(), r.GetProperty("output_tokens").GetInt64())).Should().Equal((80L, 20L), (120L, 9L));
        // (80 + 20 × 4) × $1 / 1M and (120 + 9 × 4) × $1 / 1M
        rows.Select(r => r.GetProperty("spend").GetDecimal()).Should().Equal(0.00016m, 0.000156m);
    }

    [Fact]
    public async Task AnthropicSdk_GeminiModel_TranslatedThroughTheOpenAIPivot_StreamedAndNot()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = Usage with { Reply = FakeBehavior.ShortReply };
        var client = ChatSdks.Anthropic(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));
        var parameters = new MessageCreateParams
        {
            MaxTokens = 100,
            System = "Be brief.",
            Messages = [new UserMessageParam { Content = "hi" }],
            Model = Model,
        };

        var message = await client.Messages.Create(parameters);
        var streamed = new StringBuilder();
        StopReason? stop = null;
        long? outputTokens = null;
        await foreach (var e in client.Messages.CreateStreaming(parameters))
        {
            if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var piece))
                streamed.Append(piece.Text);
            if (e.TryPickDelta(out var messageDelta))
                (stop, outputTokens) = (messageDelta.Delta.StopReason, messageDelta.Usage.OutputTokens);
        }

        message.Content.Single().TryPickText(out var text).Should().BeTrue();
        text!.Text.Should().Be(FakeBehavior.ShortReply);
        message.StopReason!.Value().Should().Be(StopReason.EndTurn);
        message.Usage.InputTokens.Should().Be(600, "Anthropic's input excludes the 400 cache reads");
        message.Usage.CacheReadInputTokens.Should().Be(400);
        message.Usage.OutputTokens.Should().Be(300);
        streamed.ToString().Trim().Should().Be(FakeBehavior.ShortReply);
        stop.Should().Be(StopReason.EndTurn);
        outputTokens.Should().Be(300);
        var received = host.Upstream.Received.ToArray();
        received.Select(r => r.Path + r.Query).Should().Equal(
            "/v1beta/models/gemini-2.5-flash:generateContent", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        received.Should().OnlyContain(r => r.Headers["x-goog-api-key"] == GatewayHost.GeminiUpstreamKey && !r.Headers.ContainsKey("x-api-key"));
        var sent = JsonNode.Parse(received[0].Body)!;
        ((int)sent["generationConfig"]!["maxOutputTokens"]!).Should().Be(100);
        ((string?)sent["systemInstruction"]!["parts"]![0]!["text"]).Should().Be("Be brief.");
        var rows = (await host.RowsOfTypeAsync("consume")).OrderBy(r => r.GetProperty("id").GetInt64()).ToArray();
        AssertRow(rows[0], "/v1/messages", stream: false);
        AssertRow(rows[1], "/v1/messages", stream: true);
    }

    [Fact]
    public async Task AnthropicClient_GeminiModelStreamedToolUse_RoundTripsThroughThePivot_WithTheSignature()
    {
        await using var host = await GatewayHost.StartAsync();
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));
        const string tools = """[{"name":"get_weather","description":"Current weather","input_schema":{"type":"object","properties":{"location":{"type":"string"}}}}]""";

        using var first = await client.PostAsync("/v1/messages", Json($$"""
            {"model":"{{Model}}","max_tokens":200,"stream":true,"tools":{{tools}},"messages":[{"role":"user","content":"Weather in Paris?"}]}
            """));

        var events = (await first.Content.ReadAsStringAsync()).Split('\n')
            .Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!).ToArray();
        events.Select(e => (string?)e["type"]).Should().ContainInOrder("message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        var toolUse = events.Single(e => (string?)e["type"] == "content_block_start")["content_block"]!;
        ((string?)toolUse["type"]).Should().Be("tool_use");
        ((string?)toolUse["name"]).Should().Be("get_weather");
        var input = string.Concat(events.Where(e => (string?)e["type"] == "content_block_delta").Select(e => (string?)e["delta"]!["partial_json"]));
        JsonNode.DeepEquals(JsonNode.Parse(input), FakeGemini.FunctionCallArgs).Should().BeTrue();
        ((string?)events.Single(e => (string?)e["type"] == "message_delta")["delta"]!["stop_reason"]).Should().Be("tool_use");
        var id = (string?)toolUse["id"];

        host.Upstream.Behavior = new FakeBehavior { Reply = "Foggy, 15 degrees." };
        using var second = await client.PostAsync("/v1/messages", Json($$"""
            {"model":"{{Model}}","max_tokens":200,"tools":{{tools}},"messages":[
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":[{"type":"tool_use","id":"{{id}}","name":"get_weather","input":{{input}}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"{{id}}","content":"15 degrees, fog"}]}]}
            """));

        second.StatusCode.Should().Be(HttpStatusCode.OK);
        ((string?)JsonNode.Parse(await second.Content.ReadAsStringAsync())!["content"]![0]!["text"]).Should().Be("Foggy, 15 degrees.");
        var contents = JsonNode.Parse(host.Upstream.Received.Last().Body)!["contents"]!.AsArray();
        contents.Select(c => (string?)c!["role"]).Should().Equal("user", "model", "user");
        ((string?)contents[1]!["parts"]![0]!["thoughtSignature"]).Should().Be(FakeGemini.ThoughtSignature);
        ((string?)contents[2]!["parts"]![0]!["functionResponse"]!["name"]).Should().Be("get_weather");
        ((string?)contents[2]!["parts"]![0]!["functionResponse"]!["response"]!["output"]).Should().Be("15 degrees, fog");
    }

    [Fact]
    public async Task OpenAISdk_Base64ImageGoesInline_ARemoteUrlIsA400NamingIt()
    {
        await using var host = await GatewayHost.StartAsync();
        var sdk = ChatSdks.OpenAI(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)), Model);
        var png = BinaryData.FromBytes(Convert.FromBase64String("iVBORw0KGgo="));

        await sdk.CompleteChatAsync([new UserChatMessage(ChatMessageContentPart.CreateTextPart("What is this?"), ChatMessageContentPart.CreateImagePart(png, "image/png"))]);
        var remote = async () => await sdk.CompleteChatAsync([new UserChatMessage(ChatMessageContentPart.CreateImagePart(new Uri("https://example.com/cat.png")))]);

        var inline = JsonNode.Parse(host.Upstream.Received.Single().Body)!["contents"]![0]!["parts"]![1]!["inlineData"]!;
        ((string?)inline["mimeType"]).Should().Be("image/png");
        ((string?)inline["data"]).Should().Be("iVBORw0KGgo=");
        (await remote.Should().ThrowAsync<System.ClientModel.ClientResultException>()).Which.Status.Should().Be(400);
        host.Upstream.Received.Should().HaveCount(1, "the refused call was never forwarded");
        (await host.RowsOfTypeAsync("error")).Single().GetProperty("message").GetString().Should().Contain("remote URL");
    }

    [Fact]
    public async Task PivotedStream_EachGeminiChunkReachesTheAnthropicClientBeforeTheNextIsSent()
    {
        await using var host = await GatewayHost.StartAsync();
        var deltas = 0;
        var arrived = new SemaphoreSlim(0);
        var stalled = false;
        // Gemini's chunks: 0 "one ", 1 "two ", 2 "three ", 3 the finish with the usage. Before each, the fake waits
        // until the client holds every earlier word: a pivot that held events back would stall it.
        host.Upstream.Behavior = new FakeBehavior
        {
            Reply = "one two three",
            BeforeEvent = async index =>
            {
                while (Volatile.Read(ref deltas) < index)
                    if (!await arrived.WaitAsync(TimeSpan.FromSeconds(5)))
                    {
                        stalled = true;
                        return;
                    }
            },
        };
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = Json($$"""{"model":"{{Model}}","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"count"}]}"""),
        };

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var words = new List<string?>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || JsonNode.Parse(line[6..]) is not { } data || (string?)data["type"] != "content_block_delta")
                continue;
            words.Add((string?)data["delta"]!["text"]);
            Interlocked.Increment(ref deltas);
            arrived.Release();
        }

        stalled.Should().BeFalse("every translated event must reach the client before the upstream sends the next");
        words.Should().Equal("one ", "two ", "three ");
        (await host.RowsOfTypeAsync("consume")).Single().GetProperty("first_token_ms").ValueKind.Should().Be(JsonValueKind.Number);
    }

    [Theory]
    [InlineData("MAX_TOKENS", "length")]
    [InlineData("SAFETY", "content_filter")]
    public async Task GeminiFinishReason_BecomesOpenAIs(string geminiReason, string openAIReason)
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, GeminiFinishReason = geminiReason };
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        var whole = await client.PostAsync("/v1/chat/completions", Json($$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"}]}"""));
        var streamed = await client.PostAsync("/v1/chat/completions", Json($$"""{"model":"{{Model}}","stream":true,"messages":[{"role":"user","content":"hi"}]}"""));

        ((string?)JsonNode.Parse(await whole.Content.ReadAsStringAsync())!["choices"]![0]!["finish_reason"]).Should().Be(openAIReason);
        var finishes = (await streamed.Content.ReadAsStringAsync()).Split('\n')
            .Where(l => l.StartsWith("data: {", StringComparison.Ordinal))
            .Select(l => (string?)JsonNode.Parse(l[6..])!["choices"]?.AsArray().FirstOrDefault()?["finish_reason"]).Where(f => f is not null);
        finishes.Should().Equal(openAIReason);
    }

    [Fact]
    public async Task UntranslatableFeatureAndUpstreamError_ReachTheClientInItsShape()
    {
        await using var host = await GatewayHost.StartAsync();
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        var untranslatable = await client.PostAsync("/v1/chat/completions", Json($$"""{"model":"{{Model}}","n":2,"messages":[{"role":"user","content":"hi"}]}"""));
        host.Upstream.Behavior = new FakeBehavior { FailWithStatus = 429 };
        var failed = await client.PostAsync("/v1/messages", Json($$"""{"model":"{{Model}}","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"""));

        untranslatable.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = JsonNode.Parse(await untranslatable.Content.ReadAsStringAsync())!["error"]!;
        ((string?)error["message"]).Should().Contain("'n'").And.Contain("Gemini generateContent");
        ((string?)error["code"]).Should().Be("untranslatable_feature");
        failed.StatusCode.Should().Be((HttpStatusCode)429);
        var anthropicError = JsonNode.Parse(await failed.Content.ReadAsStringAsync())!;
        ((string?)anthropicError["type"]).Should().Be("error");
        ((string?)anthropicError["error"]!["message"]).Should().Contain("fake upstream failure");
        host.Upstream.Received.Should().OnlyContain(r => r.Path.StartsWith("/v1beta/models/", StringComparison.Ordinal));
        (await host.RowsOfTypeAsync("error")).Select(r => r.GetProperty("status").GetInt32()).Should().BeEquivalentTo([400, 429]);
    }

    /// <summary>The row of one call answered with <see cref="Usage"/>: Google's counts, priced once each.</summary>
    private static void AssertRow(JsonElement row, string path, bool stream)
    {
        row.GetProperty("path").GetString().Should().Be(path);
        row.GetProperty("model").GetString().Should().Be(Model);
        row.GetProperty("stream").GetBoolean().Should().Be(stream);
        row.GetProperty("input_tokens").GetInt64().Should().Be(1000);
        row.GetProperty("cached_tokens").GetInt64().Should().Be(400);
        row.GetProperty("cache_write_tokens").GetInt64().Should().Be(0);
        row.GetProperty("output_tokens").GetInt64().Should().Be(300);
        row.GetProperty("details").GetProperty("usage_source").GetString().Should().Be("upstream");
        row.GetProperty("spend").GetDecimal().Should().Be(Spend);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
