using System.ClientModel;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;
using Gateway.Tests.Fakes;
using OpenAI;
using OpenAI.Chat;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>Streams through the gateway: passed on as they arrive, metered as they pass.</summary>
public class StreamingTests
{
    private const string StreamingChat = """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"Tell me something"}]}""";

    [Fact]
    public async Task OpenAISdk_Streaming_TextArrivesAndRowHasUpstreamUsage()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 40, CompletionTokens = 10, CachedTokens = 8 };
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        var sdk = new ChatClient("test-model", new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(host.Address, "/v1") });

        var text = new StringBuilder();
        await foreach (var update in sdk.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            foreach (var part in update.ContentUpdate)
                text.Append(part.Text);

        text.ToString().Trim().Should().Be(host.Upstream.Behavior.Reply);
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("stream").GetBoolean().Should().BeTrue();
        row.GetProperty("input_tokens").GetInt64().Should().Be(40);
        row.GetProperty("output_tokens").GetInt64().Should().Be(10);
        row.GetProperty("cached_tokens").GetInt64().Should().Be(8);
        // (32 + 8 × 0.5 + 10 × 2) × 2 / 1M
        row.GetProperty("spend").GetDecimal().Should().Be(0.000112m);
        row.GetProperty("first_token_ms").GetInt64().Should().BeGreaterThanOrEqualTo(0);
        row.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeTrue();
        (await host.BalanceAsync(account)).Should().Be(1m - 0.000112m);
    }

    [Fact]
    public async Task AnthropicSdk_Streaming_CacheTokensNormalisedAndPriced()
    {
        await using var host = await GatewayHost.StartAsync();
        // 1000 prompt tokens in all: 600 plain, 300 cache reads, 100 cache writes.
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 1000, CachedTokens = 300, CacheWriteTokens = 100, CompletionTokens = 200 };
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        var client = new AnthropicClient { ApiKey = key, BaseUrl = host.Address.ToString().TrimEnd('/') };
        var parameters = new MessageCreateParams
        {
            MaxTokens = 100,
            Messages = [new UserMessageParam { Content = "Tell me a story" }],
            Model = "claude-sonnet-4",
        };

        var text = new StringBuilder();
        await foreach (var streamEvent in client.Messages.CreateStreaming(parameters))
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var piece))
                text.Append(piece.Text);

        text.ToString().Trim().Should().Be(host.Upstream.Behavior.Reply);
        var received = host.Upstream.Received.Single();
        received.Headers["x-api-key"].Should().Be(GatewayHost.AnthropicUpstreamKey);
        received.Headers.Should().NotContainKey("authorization");
        JsonDocument.Parse(received.Body).RootElement.GetProperty("model").GetString().Should().Be("claude-sonnet-4-20250514");
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("path").GetString().Should().Be("/v1/messages");
        row.GetProperty("input_tokens").GetInt64().Should().Be(1000);
        row.GetProperty("cached_tokens").GetInt64().Should().Be(300);
        row.GetProperty("cache_write_tokens").GetInt64().Should().Be(100);
        row.GetProperty("output_tokens").GetInt64().Should().Be(200);
        // (600 + 300 × 0.1 + 100 × 1.25 + 200 × 5) × 1.5 × 2 / 1M
        row.GetProperty("spend").GetDecimal().Should().Be(0.005265m);
    }

    [Fact]
    public async Task AnthropicSdk_NonStreaming_RowHasUsage()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 50, CachedTokens = 20, CompletionTokens = 5 };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        var client = new AnthropicClient { ApiKey = key, BaseUrl = host.Address.ToString().TrimEnd('/') };

        await client.Messages.Create(new MessageCreateParams
        {
            MaxTokens = 10,
            Messages = [new UserMessageParam { Content = "hi" }],
            Model = "claude-3-5-haiku",
        });

        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("stream").GetBoolean().Should().BeFalse();
        row.GetProperty("input_tokens").GetInt64().Should().Be(50);
        row.GetProperty("cached_tokens").GetInt64().Should().Be(20);
        row.GetProperty("output_tokens").GetInt64().Should().Be(5);
    }

    [Fact]
    public async Task ClientDidNotAskForUsage_UsageChunkWithheldButMetered()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 21, CompletionTokens = 9 };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        var body = await (await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(StreamingChat))).Content.ReadAsStringAsync();

        JsonDocument.Parse(host.Upstream.Received.Single().Body).RootElement
            .GetProperty("stream_options").GetProperty("include_usage").GetBoolean().Should().BeTrue();
        body.Should().NotContain("\"usage\"").And.Contain("data: [DONE]");
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("input_tokens").GetInt64().Should().Be(21);
        row.GetProperty("details").GetProperty("usage_source").GetString().Should().Be("upstream");
    }

    [Fact]
    public async Task ClientAskedForUsage_UsageChunkPassedOn()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        var request = """{"model":"test-model","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";

        var body = await (await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(request))).Content.ReadAsStringAsync();

        body.Should().Contain("\"usage\":{\"prompt_tokens\":12");
    }

    [Fact]
    public async Task EachEvent_ReachesClientBeforeTheNextIsSent()
    {
        await using var host = await GatewayHost.StartAsync();
        var received = 0;
        var receivedSignal = new SemaphoreSlim(0);
        var stalled = false;
        // The fake sends event N+1 only once the client has read event N: a buffering proxy would stall it.
        host.Upstream.Behavior = new FakeBehavior
        {
            Reply = "one two three",
            BeforeEvent = async index =>
            {
                // Events 1–4 are the three words and the finish chunk; then come the usage chunk
                // (withheld: this client did not ask) and [DONE] (held until the row commits).
                while (index <= 4 && Volatile.Read(ref received) < index)
                    if (!await receivedSignal.WaitAsync(TimeSpan.FromSeconds(5)))
                    {
                        stalled = true;
                        return;
                    }
            },
        };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent(StreamingChat) };

        using var response = await host.NewClient(key).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
                continue;
            Interlocked.Increment(ref received);
            receivedSignal.Release();
        }

        stalled.Should().BeFalse("every event must reach the client before the upstream sends the next");
        received.Should().Be(6); // role chunk, three words, finish chunk, [DONE]
    }

    [Fact]
    public async Task SlowFirstEvent_FirstTokenMsMeasuresIt()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, FirstEventDelay = TimeSpan.FromMilliseconds(300), EventInterval = TimeSpan.FromMilliseconds(50) };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        await (await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(StreamingChat))).Content.ReadAsStringAsync();

        var row = (await host.RowsOfTypeAsync("consume")).Single();
        var firstToken = row.GetProperty("first_token_ms").GetInt64();
        var duration = row.GetProperty("duration_ms").GetInt64();
        firstToken.Should().BeGreaterThanOrEqualTo(300);
        duration.Should().BeGreaterThan(firstToken);
        // The first chunk (role only, empty content) is not content; the first word arrives one interval later.
        firstToken.Should().BeGreaterThanOrEqualTo(340);
    }

    [Fact]
    public async Task GarbageLines_PassedOverAndUsageStillRead()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { GarbageLines = true, PromptTokens = 33 };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        var response = await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(StreamingChat));
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Contain("data: [DONE]");
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("input_tokens").GetInt64().Should().Be(33);
        row.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task NoUsageFromUpstream_CountedWithTokenizer()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { OmitUsage = true };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        await (await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(StreamingChat))).Content.ReadAsStringAsync();

        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("details").GetProperty("usage_source").GetString().Should().Be("counted");
        var counter = global::Metering.Usage.TokenCounter.ForModel("test-model");
        var expectedPrompt = global::Metering.Usage.PromptTokenCounter.CountPrompt(
            global::Metering.Usage.WireFormat.OpenAIChat, Encoding.UTF8.GetBytes(StreamingChat), counter);
        row.GetProperty("input_tokens").GetInt64().Should().Be(expectedPrompt).And.BeGreaterThan(3);
        var expectedOutput = counter.CountTokens(string.Concat(FakeStreams.Pieces(host.Upstream.Behavior)));
        row.GetProperty("output_tokens").GetInt64().Should().BeCloseTo(expectedOutput, 2);
        row.GetProperty("spend").GetDecimal().Should().BeGreaterThan(0m);
    }

    [Fact]
    public async Task ClientLeavesMidStream_UpstreamCancelledAndDeliveredPartBilled()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { Reply = string.Join(' ', Enumerable.Range(0, 100).Select(i => $"word{i}")), EventInterval = TimeSpan.FromMilliseconds(100) };
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        // No draining on dispose: the client really leaves instead of reading on to reuse the connection.
        var client = new HttpClient(new SocketsHttpHandler { ResponseDrainTimeout = TimeSpan.Zero, MaxResponseDrainSize = 0 }) { BaseAddress = host.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent(StreamingChat) };

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        for (var events = 0; events < 4;)
            if ((await reader.ReadLineAsync())!.StartsWith("data:", StringComparison.Ordinal))
                events++;
        var left = Stopwatch.StartNew();
        response.Dispose();
        client.Dispose();

        var cancelled = await Task.WhenAny(host.Upstream.StreamAborted.Task, Task.Delay(5000));
        cancelled.Should().Be(host.Upstream.StreamAborted.Task);
        left.ElapsedMilliseconds.Should().BeLessThan(1000);
        var row = await WaitForRowAsync(host, "consume");
        row.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeFalse();
        row.GetProperty("details").GetProperty("usage_source").GetString().Should().Be("counted");
        row.GetProperty("message").GetString().Should().Contain("client");
        var output = row.GetProperty("output_tokens").GetInt64();
        output.Should().BeGreaterThan(0).And.BeLessThan(60);   // a few words delivered, not the 100-word reply
        row.GetProperty("spend").GetDecimal().Should().BeGreaterThan(0m);
        (await host.BalanceAsync(account)).Should().Be(1m - row.GetProperty("spend").GetDecimal());
    }

    [Fact]
    public async Task UpstreamResetsMidStream_ClientStreamEndsCleanlyAndDeliveredPartBilled()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { ResetAfterEvents = 4 };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        var response = await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(StreamingChat));
        var body = await response.Content.ReadAsStringAsync(); // throws if the gateway aborted the connection

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(4);
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeFalse();
        row.GetProperty("message").GetString().Should().Contain("reset");
        row.GetProperty("output_tokens").GetInt64().Should().BeGreaterThan(0).And.BeLessThan(9);
    }

    internal static async Task<JsonElement> WaitForRowAsync(GatewayHost host, string type)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if ((await host.RowsOfTypeAsync(type)).FirstOrDefault() is { ValueKind: JsonValueKind.Object } row)
                return row;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no {type} row appeared");
    }
}
