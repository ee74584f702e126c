using System.Diagnostics;
using System.Text;
using Gateway.Tests.Fakes;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Streams as real providers end them: huge single events, an error event after some content, no terminal
/// event at all. The client gets every byte as it came; the row bills what was delivered and says so.
/// </summary>
public class StreamShapesTests
{
    private const string ChatStream = """{"model":"test-model","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"draw"}]}""";
    private const string MessagesStream = """{"model":"claude-sonnet-4","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    public static TheoryData<string, int, bool> HugeEvents() => new()
    {
        { "whole answer in one chat chunk", 1_000_000, false }, { "whole answer in one chat chunk", 8_000_000, true },
        { "tool-call arguments in one chunk", 1_000_000, true },
        { "responses partial image", 1_000_000, false }, { "responses partial image", 8_000_000, true },
    };

    [Theory]
    [MemberData(nameof(HugeEvents))]
    public async Task OneHugeEvent_PassesAtTheUpstreamsPace_AndTheUsageAfterItCounts(string kind, int size, bool https)
    {
        await using var host = await GatewayHost.StartAsync(plainUpstream: !https);
        var responses = kind.StartsWith("responses", StringComparison.Ordinal);
        var events = responses
            ? new[]
            {
                Event("response.created", """{"type":"response.created","response":{"id":"resp_1","object":"response","status":"in_progress"}}"""),
                Event("response.image_generation_call.partial_image", $$"""{"type":"response.image_generation_call.partial_image","item_id":"ig_1","output_index":0,"partial_image_index":0,"partial_image_b64":"{{Convert.ToBase64String(new byte[size * 3 / 4])}}"}"""),
                Event("response.completed", """{"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed","output":[],"usage":{"input_tokens":5,"output_tokens":900,"total_tokens":905}}}"""),
            }
            : new[]
            {
                kind.StartsWith("tool", StringComparison.Ordinal)
                    ? Chunk("""{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"write_file","arguments":""" + System.Text.Json.JsonSerializer.Serialize("{\"text\":\"" + Words(size) + "\"}") + "}}]}")
                    : Chunk($$"""{"role":"assistant","content":"{{Words(size)}}"}"""),
                Chunk("{}", finish: "stop"),
                """data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":900,"total_tokens":905}}""" + "\n\n",
                "data: [DONE]\n\n",
            };
        var upstreamDone = 0L;
        host.Upstream.Behavior = new FakeBehavior { Respond = async c => { await WriteEventsAsync(c, events, piece: 16_384); Volatile.Write(ref upstreamDone, Stopwatch.GetTimestamp()); } };
        var account = await host.CreateAccountAsync(1m);
        using var client = host.NewClient(await host.CreateKeyAsync(account));

        using var response = await client.PostAsync(responses ? "/v1/responses" : "/v1/chat/completions",
            new StringContent(responses ? """{"model":"test-model","stream":true,"input":"draw"}""" : ChatStream, Encoding.UTF8, "application/json"));
        var received = await response.Content.ReadAsStringAsync();
        var clientDone = Stopwatch.GetTimestamp();

        received.Should().Be(string.Concat(events));
        // Linear, not instant: the event's text is read and counted on its way (~0.05 s a MB of words alone,
        // a few times that beside a parallel test run); the quadratic splitter took 19.6 s for 8 MB.
        ResponseShapesTests.LastByteGap(Volatile.Read(ref upstreamDone), clientDone).Should().BeLessThan(TimeSpan.FromSeconds(1.5 + 0.4 * size / 1e6));
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        (row.GetProperty("input_tokens").GetInt64(), row.GetProperty("output_tokens").GetInt64()).Should().Be((5L, 900L));
        row.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task AnthropicErrorEventAfterContent_PassesOn_RowBillsWhatWasDeliveredAndSaysWhy()
    {
        await using var host = await GatewayHost.StartAsync();
        var events = new[]
        {
            Event("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":120,"output_tokens":1}}}"""),
            Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Here is the first part of a long answer that"}}"""),
            Event("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""),
        };
        host.Upstream.Behavior = new FakeBehavior { Respond = c => WriteEventsAsync(c, events, piece: int.MaxValue) };
        var account = await host.CreateAccountAsync(1m);
        using var client = host.NewClient(await host.CreateKeyAsync(account));

        using var response = await client.PostAsync("/v1/messages", new StringContent(MessagesStream, Encoding.UTF8, "application/json"));
        var received = await response.Content.ReadAsStringAsync();

        received.Should().Be(string.Concat(events));
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeFalse();
        row.GetProperty("message").GetString().Should().Contain("overloaded_error: Overloaded");
        row.GetProperty("input_tokens").GetInt64().Should().Be(120);
        row.GetProperty("output_tokens").GetInt64().Should().BeGreaterThan(1, "the delivered text counts when the report is a placeholder");
        row.GetProperty("spend").GetDecimal().Should().BePositive();
    }

    [Fact]
    public async Task OpenAIChunkWithErrorObject_PassesOn_RowNotCompletedWithTheErrorText()
    {
        await using var host = await GatewayHost.StartAsync();
        var events = new[]
        {
            Chunk("""{"role":"assistant","content":"Partial answer"}"""),
            """data: {"error":{"message":"The server had an error while processing your request.","type":"server_error","code":null}}""" + "\n\n",
        };
        host.Upstream.Behavior = new FakeBehavior { Respond = c => WriteEventsAsync(c, events, piece: 20) };
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(ChatStream, Encoding.UTF8, "application/json"));

        (await response.Content.ReadAsStringAsync()).Should().Be(string.Concat(events));
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeFalse();
        row.GetProperty("message").GetString().Should().Contain("The server had an error while processing your request.");
        row.GetProperty("details").GetProperty("usage_source").GetString().Should().Be("counted");
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    [InlineData("/v1/responses")]
    public async Task StreamWithoutItsTerminalEvent_IsNotCompleted(string path)
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, Respond = null };
        var fake = host.Upstream;
        // The fake's own stream for the route, less its last event.
        var full = path switch
        {
            "/v1/messages" => FakeStreams.AnthropicMessage("claude-sonnet-4", fake.Behavior).ToArray(),
            "/v1/responses" => FakeStreams.Response("test-model", fake.Behavior).ToArray(),
            _ => FakeStreams.ChatCompletion("test-model", fake.Behavior, includeUsage: true).ToArray(),
        };
        fake.Behavior = fake.Behavior with { Respond = c => WriteEventsAsync(c, full[..^1], piece: 64) };
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));
        var body = path == "/v1/messages" ? MessagesStream
            : path == "/v1/responses" ? """{"model":"test-model","stream":true,"input":"hi"}""" : ChatStream;

        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        (await response.Content.ReadAsStringAsync()).Should().Be(string.Concat(full[..^1]));
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeFalse();
        row.GetProperty("message").GetString().Should().Contain("without its terminal event");
    }

    private static string Words(int size)
    {
        var text = new StringBuilder(size);
        while (text.Length < size)
            text.Append("the quick brown fox jumps over the lazy dog ");
        return text.ToString(0, size);
    }

    private static string Chunk(string delta, string? finish = null) =>
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" + delta
        + ",\"finish_reason\":" + (finish is null ? "null" : $"\"{finish}\"") + "}]}\n\n";

    private static string Event(string name, string json) => $"event: {name}\ndata: {json}\n\n";

    private static async Task WriteEventsAsync(HttpContext context, IEnumerable<string> events, int piece)
    {
        context.Response.ContentType = "text/event-stream";
        foreach (var sse in events)
        {
            var bytes = Encoding.UTF8.GetBytes(sse);
            for (var offset = 0; offset < bytes.Length; offset += piece)
            {
                await context.Response.Body.WriteAsync(bytes.AsMemory(offset, Math.Min(piece, bytes.Length - offset)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
    }
}
