using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic.Models.Messages;
using Gateway.Tests.Fakes;
using OpenAI.Chat;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// A client calls a model whose cluster speaks the other wire format: the official OpenAI SDK a Claude model
/// on the Anthropic-format fake, the official Anthropic SDK an OpenAI-format model. The request reaches the
/// upstream in its own format, the answer the client in its own, and the row holds the provider's usage.
/// </summary>
public class TranslationTests
{
    [Fact]
    public async Task OpenAISdk_ClaudeModel_AnswersInOpenAIShapeMeteredFromAnthropicsUsage()
    {
        await using var host = await GatewayHost.StartAsync();
        // 1000 prompt tokens: 600 plain, 300 cache reads, 100 cache writes.
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 1000, CachedTokens = 300, CacheWriteTokens = 100, CompletionTokens = 200 };
        var sdk = ChatSdks.OpenAI(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)), "claude-sonnet-4");

        var completion = (await sdk.CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Tell me a story")])).Value;

        completion.Content.Single().Text.Should().Be(host.Upstream.Behavior.Reply);
        completion.FinishReason.Should().Be(ChatFinishReason.Stop);
        completion.Usage.InputTokenCount.Should().Be(1000);
        completion.Usage.InputTokenDetails.CachedTokenCount.Should().Be(300);
        var received = host.Upstream.Received.Single();
        received.Path.Should().Be("/v1/messages");
        received.Headers["x-api-key"].Should().Be(GatewayHost.AnthropicUpstreamKey);
        received.Headers.Should().ContainKey("anthropic-version");
        var sent = JsonNode.Parse(received.Body)!;
        ((string?)sent["model"]).Should().Be("claude-sonnet-4-20250514");
        ((string?)sent["system"]![0]!["text"]).Should().Be("Be brief.");
        ((string?)sent["messages"]![0]!["content"]![0]!["text"]).Should().Be("Tell me a story");
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("path").GetString().Should().Be("/v1/chat/completions");
        row.GetProperty("model").GetString().Should().Be("claude-sonnet-4");
        row.GetProperty("input_tokens").GetInt64().Should().Be(1000);
        row.GetProperty("cached_tokens").GetInt64().Should().Be(300);
        row.GetProperty("cache_write_tokens").GetInt64().Should().Be(100, "the cache writes OpenAI's shape cannot carry are still metered");
        row.GetProperty("output_tokens").GetInt64().Should().Be(200);
        row.GetProperty("details").GetProperty("usage_source").GetString().Should().Be("upstream");
        // (600 + 300 × 0.1 + 100 × 1.25 + 200 × 5) × 1.5 × 2 / 1M
        row.GetProperty("spend").GetDecimal().Should().Be(0.005265m);
    }

    [Fact]
    public async Task OpenAISdk_ClaudeModelStreamedToolCall_RoundTripsThroughTheTranslation()
    {
        await using var host = await GatewayHost.StartAsync();
        // Anthropic's own recorded answer: some text, then a streamed tool_use block.
        host.Upstream.Behavior = FakeBehavior.ReplayStream("anthropic-messages-stream.sse");
        var sdk = ChatSdks.OpenAI(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)), "claude-sonnet-4");
        var options = new ChatCompletionOptions { Tools = { ChatSdks.WeatherTool } };
        List<ChatMessage> conversation = [new UserChatMessage("Weather in San Francisco?")];

        var (text, callId, name, arguments, finish) = await ChatSdks.StreamAsync(sdk, conversation, options);

        text.Should().Be("Okay, let me check the weather in San Francisco for you.");
        callId.Should().Be("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        name.Should().Be("get_weather");
        arguments.Should().Be("""{"location": "San Francisco, CA", "unit": "fahrenheit"}""");
        finish.Should().Be(ChatFinishReason.ToolCalls);

        // The tool's result goes back: Anthropic gets the call as tool_use and the result as tool_result.
        host.Upstream.Behavior = new FakeBehavior { Reply = "It is 15 degrees and foggy." };
        conversation.Add(new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall(callId, name, BinaryData.FromString(arguments))]));
        conversation.Add(new ToolChatMessage(callId, "15 degrees, fog"));
        var answer = (await ChatSdks.StreamAsync(sdk, conversation, options)).Text;

        answer.Trim().Should().Be("It is 15 degrees and foggy.");
        var second = JsonNode.Parse(host.Upstream.Received.Last().Body)!["messages"]!.AsArray();
        second.Select(m => (string?)m!["role"]).Should().Equal("user", "assistant", "user");
        ((string?)second[1]!["content"]![0]!["type"]).Should().Be("tool_use");
        ((string?)second[1]!["content"]![0]!["input"]!["location"]).Should().Be("San Francisco, CA");
        ((string?)second[2]!["content"]![0]!["tool_use_id"]).Should().Be("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        var first = (await host.RowsOfTypeAsync("consume")).OrderBy(r => r.GetProperty("id").GetInt64()).First();
        first.GetProperty("stream").GetBoolean().Should().BeTrue();
        first.GetProperty("input_tokens").GetInt64().Should().Be(21 + 1188 + 3014);
        first.GetProperty("cache_write_tokens").GetInt64().Should().Be(1188);
        first.GetProperty("output_tokens").GetInt64().Should().Be(89);
        first.GetProperty("first_token_ms").ValueKind.Should().Be(JsonValueKind.Number);
        first.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task OpenAISdk_ClaudeModelStreamWithUsage_GetsTheUsageChunkItAskedFor()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, PromptTokens = 40, CompletionTokens = 12 };
        var sdk = ChatSdks.OpenAI(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)), "claude-3-5-haiku");

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        // The OpenAI .NET SDK asks for include_usage on every stream.
        await foreach (var update in sdk.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage ??= update.Usage;
        }

        text.ToString().Trim().Should().Be(FakeBehavior.ShortReply);
        usage!.InputTokenCount.Should().Be(40);
        usage.OutputTokenCount.Should().Be(12);
    }

    [Fact]
    public async Task TranslatedStream_EachEventReachesTheClientBeforeTheUpstreamSendsTheNext()
    {
        await using var host = await GatewayHost.StartAsync();
        var received = 0;
        var receivedSignal = new SemaphoreSlim(0);
        var stalled = false;
        // Anthropic's events: 0 message_start, 1 content_block_start, 2 ping, 3–5 the three words,
        // 6 content_block_stop, 7 message_delta, 8 message_stop. Before sending the second word the fake waits
        // until the client holds the role chunk and the first word, and so on: a translation that buffered
        // the answer would stall it.
        host.Upstream.Behavior = new FakeBehavior
        {
            Reply = "one two three",
            BeforeEvent = async index =>
            {
                var needed = index switch { 4 => 2, 5 => 3, 7 => 4, _ => 0 };
                while (Volatile.Read(ref received) < needed)
                    if (!await receivedSignal.WaitAsync(TimeSpan.FromSeconds(5)))
                    {
                        stalled = true;
                        return;
                    }
            },
        };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"claude-sonnet-4","stream":true,"messages":[{"role":"user","content":"count"}]}""", Encoding.UTF8, "application/json"),
        };

        using var response = await host.NewClient(key).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
                continue;
            lines.Add(line);
            Interlocked.Increment(ref received);
            receivedSignal.Release();
        }

        stalled.Should().BeFalse("every translated event must reach the client before the upstream sends the next");
        // role chunk, three words, finish chunk, [DONE]; no usage chunk: this client did not ask for one.
        lines.Should().HaveCount(6);
        lines[^1].Should().Be("data: [DONE]");
        lines.Skip(1).Take(3).Select(l => (string?)JsonNode.Parse(l[5..])!["choices"]![0]!["delta"]!["content"]).Should().Equal("one ", "two ", "three ");
    }

    [Fact]
    public async Task OpenAISdk_ClaudeModelStreamWithCommentsAndBrokenEvents_ReadsTheAnswerWhole()
    {
        await using var host = await GatewayHost.StartAsync();
        // A keep-alive comment, a data line that is not JSON and an unknown event, among the real ones.
        host.Upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, GarbageLines = true };
        var sdk = ChatSdks.OpenAI(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)), "claude-sonnet-4");

        var text = new StringBuilder();
        await foreach (var update in sdk.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));

        text.ToString().Trim().Should().Be(FakeBehavior.ShortReply);
        (await host.RowsOfTypeAsync("consume")).Single().GetProperty("details").GetProperty("completed").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task AnthropicSdk_OpenAIModel_AnswersInAnthropicShape()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 50, CachedTokens = 20, CompletionTokens = 5 };
        var client = ChatSdks.Anthropic(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        var message = await client.Messages.Create(new MessageCreateParams
        {
            MaxTokens = 100,
            System = "Be brief.",
            Messages = [new UserMessageParam { Content = "hi" }],
            Model = "gpt-4o",
        });

        message.Content.Single().TryPickText(out var text).Should().BeTrue();
        text!.Text.Should().Be(host.Upstream.Behavior.Reply);
        message.StopReason!.Value().Should().Be(StopReason.EndTurn);
        message.Usage.InputTokens.Should().Be(30, "Anthropic's input excludes the 20 cache reads");
        message.Usage.CacheReadInputTokens.Should().Be(20);
        var received = host.Upstream.Received.Single();
        received.Path.Should().Be("/v1/chat/completions");
        received.Headers["authorization"].Should().Be($"Bearer {GatewayHost.UpstreamKey}");
        var sent = JsonNode.Parse(received.Body)!;
        ((string?)sent["messages"]![0]!["role"]).Should().Be("system");
        ((int)sent["max_completion_tokens"]!).Should().Be(100);
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("path").GetString().Should().Be("/v1/messages");
        row.GetProperty("input_tokens").GetInt64().Should().Be(50);
        row.GetProperty("cached_tokens").GetInt64().Should().Be(20);
        row.GetProperty("output_tokens").GetInt64().Should().Be(5);
    }

    [Fact]
    public async Task AnthropicSdk_OpenAIModelStreamedToolCall_ArgumentsArriveWhole()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 300, CompletionTokens = 1_500 };
        var client = ChatSdks.Anthropic(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));
        var parameters = new MessageCreateParams
        {
            MaxTokens = 4096,
            Messages = [new UserMessageParam { Content = "Write the report" }],
            Model = "gpt-4o",
            Tools = [new Tool { Name = FakeBodies.ToolName, InputSchema = new InputSchema { Properties = new Dictionary<string, JsonElement>() } }],
        };

        var input = new StringBuilder();
        string? toolName = null;
        StopReason? stop = null;
        long? outputTokens = null;
        await foreach (var e in client.Messages.CreateStreaming(parameters))
        {
            if (e.TryPickContentBlockStart(out var start) && start.ContentBlock.TryPickToolUse(out var toolUse))
                toolName = toolUse.Name;
            if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickInputJson(out var piece))
                input.Append(piece.PartialJson);
            if (e.TryPickDelta(out var messageDelta))
                (stop, outputTokens) = (messageDelta.Delta.StopReason, messageDelta.Usage.OutputTokens);
        }

        toolName.Should().Be(FakeBodies.ToolName);
        input.ToString().Should().Be(FakeBodies.ToolArguments(host.Upstream.Behavior));
        stop.Should().Be(StopReason.ToolUse);
        outputTokens.Should().Be(1_500);
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("output_tokens").GetInt64().Should().Be(1_500);
        row.GetProperty("first_token_ms").ValueKind.Should().Be(JsonValueKind.Number);
    }

    [Fact]
    public async Task UntranslatableFeature_IsA400InTheClientsFormat_NeverForwarded()
    {
        await using var host = await GatewayHost.StartAsync();
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        var openAI = await client.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"claude-sonnet-4","n":2,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var anthropic = await client.PostAsync("/v1/messages", new StringContent(
            """{"model":"gpt-4o","max_tokens":10,"top_k":5,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        openAI.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var openAIError = JsonNode.Parse(await openAI.Content.ReadAsStringAsync())!["error"]!;
        ((string?)openAIError["message"]).Should().Contain("'n'").And.Contain("Anthropic Messages");
        ((string?)openAIError["code"]).Should().Be("untranslatable_feature");
        anthropic.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var anthropicError = JsonNode.Parse(await anthropic.Content.ReadAsStringAsync())!;
        ((string?)anthropicError["type"]).Should().Be("error");
        ((string?)anthropicError["error"]!["message"]).Should().Contain("'top_k'").And.Contain("OpenAI Chat Completions");
        host.Upstream.Received.Should().BeEmpty();
        (await host.RowsOfTypeAsync("error")).Should().HaveCount(2).And.OnlyContain(r => r.GetProperty("status").GetInt32() == 400);
    }

    [Fact]
    public async Task UpstreamError_ReachesTheClientInItsOwnShape_WithTheUpstreamsStatusAndMessage()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { FailWithStatus = 400 };
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        var openAI = await client.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"claude-sonnet-4","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var anthropic = await client.PostAsync("/v1/messages", new StringContent(
            """{"model":"gpt-4o","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        // The Anthropic fake answered {"type":"error",...}; the OpenAI client reads {"error":{...}}, and the reverse.
        openAI.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var openAIError = JsonNode.Parse(await openAI.Content.ReadAsStringAsync())!;
        ((string?)openAIError["error"]!["message"]).Should().Contain("fake upstream failure");
        openAIError["type"].Should().BeNull();
        anthropic.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var anthropicError = JsonNode.Parse(await anthropic.Content.ReadAsStringAsync())!;
        ((string?)anthropicError["type"]).Should().Be("error");
        ((string?)anthropicError["error"]!["type"]).Should().Be("invalid_request_error");
        ((string?)anthropicError["error"]!["message"]).Should().Contain("fake upstream failure");
        (await host.RowsOfTypeAsync("error")).Should().HaveCount(2).And.OnlyContain(r => r.GetProperty("message").GetString()!.Contains("fake upstream failure"));
    }

    [Fact]
    public async Task ResponsesRoute_ClaudeModel_IsStillNotFound()
    {
        await using var host = await GatewayHost.StartAsync();
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        var response = await client.PostAsync("/v1/responses", new StringContent("""{"model":"claude-sonnet-4","input":"hi"}""", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound, "only chat completions and messages translate");
        host.Upstream.Received.Should().BeEmpty();
    }
}
