using System.Text;
using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

public sealed class OpenAIChatUsageReaderTests
{
    private readonly RecordingTextSink _sink = new();
    private readonly IUsageReader _reader;

    public OpenAIChatUsageReaderTests() => _reader = UsageReaders.Create(WireFormat.OpenAIChat, _sink);

    [Fact]
    public void OnEvent_TwoUsageChunks_LastWinsNotSummed()
    {
        On("""{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":4}}}""");
        On("""{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7}}""");

        _reader.Usage.Should().Be(new TokenUsage(12, 7));
    }

    [Fact]
    public void OnEvent_NullUsageAfterUsage_KeepsTheEarlierOne()
    {
        On("""{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5}}""");
        On("""{"choices":[{"index":0,"delta":{"content":"x"}}],"usage":null}""");

        _reader.Usage.Should().Be(new TokenUsage(10, 5));
    }

    [Theory]
    [InlineData("""{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5}}""", SseEventKind.UsageOnly)]
    [InlineData("""{"id":"x","usage":{"prompt_tokens":10,"completion_tokens":5}}""", SseEventKind.UsageOnly)]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":{"prompt_tokens":10,"completion_tokens":5}}""", SseEventKind.Content)]
    [InlineData("""{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":5}}""", SseEventKind.Other)]
    [InlineData("""{"choices":[],"usage":null}""", SseEventKind.Other)]
    [InlineData("""{"choices":[],"prompt_filter_results":[{"prompt_index":0}]}""", SseEventKind.Other)]
    [InlineData("""{"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null}}]}""", SseEventKind.Other)]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":null,"refusal":"I can't help with that."}}]}""", SseEventKind.Content)]
    [InlineData("""{"choices":[{"index":0,"delta":{"reasoning_content":"Let me think"}}]}""", SseEventKind.Content)]
    [InlineData("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}}]}""", SseEventKind.Content)]
    [InlineData("""{"choices":[{"index":0,"delta":{"function_call":{"arguments":"{\"a\""}}}]}""", SseEventKind.Content)]
    [InlineData("[DONE]", SseEventKind.Done)]
    [InlineData(" [DONE]\n", SseEventKind.Done)]
    public void OnEvent_Chunk_IsClassified(string data, SseEventKind expected)
    {
        On(data).Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{")]
    [InlineData("""{"choices":[{"delta":{"content":"Hi"}}],"usage":{"prompt_tokens":99""")]
    [InlineData("""{"choices":"nope","usage":[1,2]}""")]
    [InlineData("""{"choices":[],"usage":{"prompt_tokens":1.5,"completion_tokens":"x"}}""")]
    [InlineData("[1,2,3]")]
    [InlineData("\"[DONE]\"")]
    [InlineData("""{"choices":[{"delta":{"content":"\uZZZZ"}}]}""")]
    public void OnEvent_Garbage_IsOtherAndTakesNothing(string data)
    {
        On("""{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}""");

        On(data).Should().Be(SseEventKind.Other);

        _reader.Usage.Should().Be(new TokenUsage(3, 2));
        _sink.ToString().Should().BeEmpty();
    }

    [Fact]
    public void OnEvent_InvalidUtf8InText_DoesNotThrow()
    {
        byte[] data = [.. "{\"choices\":[{\"delta\":{\"content\":\""u8, 0xFF, 0xFE, .. "\"}}]}"u8];

        var act = () => _reader.OnEvent(default, data);

        act.Should().NotThrow();
    }

    [Fact]
    public void OnEvent_ToolCallDeltas_SendsNameAndArgumentsToSink()
    {
        On("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}""");
        On("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}""");
        On("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]}""");

        _sink.ToString().Should().Be("get_weather{\"city\":\"Paris\"}");
    }

    [Fact]
    public void OnEvent_EscapedAndLongText_SinkGetsItUnescaped()
    {
        var longText = new string('é', 300) + "\n\"q\" \U0001F600";
        var json = "{\"choices\":[{\"delta\":{\"content\":" + System.Text.Json.JsonSerializer.Serialize(longText) + "}}]}";

        On(json).Should().Be(SseEventKind.Content);

        _sink.ToString().Should().Be(longText);
    }

    [Fact]
    public void OnBody_ContentAsParts_SinkGetsTextParts()
    {
        _reader.OnBody("""{"choices":[{"message":{"role":"assistant","content":[{"type":"text","text":"A"},{"type":"text","text":"B"}]}}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"""u8);

        _sink.ToString().Should().Be("AB");
        _reader.Usage.Should().Be(new TokenUsage(5, 2));
    }

    [Fact]
    public void OnBody_Garbage_LeavesUsageNull()
    {
        _reader.OnBody("<html>502 Bad Gateway</html>"u8);

        _reader.Usage.Should().BeNull();
    }

    private SseEventKind On(string data) => _reader.OnEvent(default, Encoding.UTF8.GetBytes(data));
}
