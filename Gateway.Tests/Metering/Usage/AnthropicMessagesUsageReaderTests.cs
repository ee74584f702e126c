using System.Text;
using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

public sealed class AnthropicMessagesUsageReaderTests
{
    private const string Start = """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"usage":{"input_tokens":10,"cache_creation_input_tokens":20,"cache_read_input_tokens":100,"output_tokens":1}}}""";

    private readonly RecordingTextSink _sink = new();
    private readonly IUsageReader _reader;

    public AnthropicMessagesUsageReaderTests() => _reader = UsageReaders.Create(WireFormat.AnthropicMessages, _sink);

    [Fact]
    public void OnEvent_MessageStart_InputIncludesCacheReadsAndWrites()
    {
        On("message_start", Start);

        _reader.Usage.Should().Be(new TokenUsage(InputTokens: 130, OutputTokens: 1, CachedTokens: 100, CacheWriteTokens: 20));
    }

    [Fact]
    public void OnEvent_StartThenDeltas_KeepsInputTakesLastOutput()
    {
        On("message_start", Start);
        On("message_delta", """{"type":"message_delta","delta":{"stop_reason":null},"usage":{"output_tokens":30}}""");
        On("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":50}}""");

        var usage = _reader.Usage!;
        usage.Should().Be(new TokenUsage(130, 50, 100, 20));
        (usage.InputTokens - usage.CachedTokens - usage.CacheWriteTokens).Should().Be(10, "uncached input is Anthropic's input_tokens, subtracted once");
    }

    [Fact]
    public void OnEvent_DeltaWithInputFields_TakesTheNonNullOnes()
    {
        On("message_start", Start);
        On("message_delta", """{"type":"message_delta","delta":{},"usage":{"input_tokens":12,"cache_creation_input_tokens":null,"cache_read_input_tokens":90,"output_tokens":60}}""");

        _reader.Usage.Should().Be(new TokenUsage(12 + 90 + 20, 60, 90, 20));
    }

    [Theory]
    [InlineData("ping", """{"type": "ping"}""", SseEventKind.Other)]
    [InlineData("message_stop", """{"type":"message_stop"}""", SseEventKind.Other)]
    [InlineData("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""", SseEventKind.Other)]
    [InlineData("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}""", SseEventKind.Content)]
    [InlineData("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm"}}""", SseEventKind.Content)]
    [InlineData("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}""", SseEventKind.Content)]
    [InlineData("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}}""", SseEventKind.Content)]
    [InlineData("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", SseEventKind.Other)]
    [InlineData("future_event", """{"type":"future_event","x":1}""", SseEventKind.Other)]
    [InlineData("content_block_delta", """{"type":"content_block_delta","delta":{"type":"text_delta","text":"Hi""", SseEventKind.Other)]
    [InlineData("content_block_delta", "[DONE]", SseEventKind.Other)]
    public void OnEvent_Event_IsClassified(string eventName, string data, SseEventKind expected)
    {
        On(eventName, data).Should().Be(expected);
    }

    [Fact]
    public void OnEvent_Deltas_SinkGetsTextThinkingAndToolInputNotSignatures()
    {
        On("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Think. "}}""");
        On("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}}""");
        On("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Answer."}}""");
        On("content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"q\":1}"}}""");

        _sink.ToString().Should().Be("Think. Answer.{\"q\":1}");
    }

    [Fact]
    public void OnEvent_NoEventNameField_UsesTheJsonType()
    {
        On("", """{"type":"message_delta","usage":{"output_tokens":7}}""");

        _reader.Usage.Should().Be(new TokenUsage(0, 7));
    }

    [Fact]
    public void OnEvent_MalformedMessageDelta_KeepsEarlierUsage()
    {
        On("message_start", Start);
        On("message_delta", """{"type":"message_delta","usage":{"output_tokens":999""");

        _reader.Usage.Should().Be(new TokenUsage(130, 1, 100, 20));
    }

    private SseEventKind On(string eventName, string data) =>
        _reader.OnEvent(Encoding.UTF8.GetBytes(eventName), Encoding.UTF8.GetBytes(data));
}
