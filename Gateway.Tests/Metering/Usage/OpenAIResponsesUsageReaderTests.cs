using System.Text;
using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

public sealed class OpenAIResponsesUsageReaderTests
{
    private readonly RecordingTextSink _sink = new();
    private readonly IUsageReader _reader;

    public OpenAIResponsesUsageReaderTests() => _reader = UsageReaders.Create(WireFormat.OpenAIResponses, _sink);

    [Theory]
    [InlineData("response.completed", "completed")]
    [InlineData("response.incomplete", "incomplete")]
    [InlineData("response.failed", "failed")]
    public void OnEvent_TerminalEventWithUsage_TakesIt(string type, string status)
    {
        var usage = """{"input_tokens":40,"input_tokens_details":{"cached_tokens":32},"output_tokens":8,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":48}""";

        On(type, $$"""{"type":"{{type}}","sequence_number":9,"response":{"id":"resp_1","status":"{{status}}","output":[],"usage":""" + usage + "}}")
            .Should().Be(SseEventKind.Other);

        _reader.Usage.Should().Be(new TokenUsage(40, 8, 32));
    }

    [Fact]
    public void OnEvent_LifecycleEventsWithNullUsage_LeaveUsageNull()
    {
        On("response.created", """{"type":"response.created","response":{"id":"resp_1","status":"in_progress","usage":null}}""");
        On("response.in_progress", """{"type":"response.in_progress","response":{"id":"resp_1","usage":null}}""");

        _reader.Usage.Should().BeNull();
    }

    [Theory]
    [InlineData("response.output_text.delta", "Hello", SseEventKind.Content, "Hello")]
    [InlineData("response.refusal.delta", "No.", SseEventKind.Content, "No.")]
    [InlineData("response.function_call_arguments.delta", "{\\\"a\\\":", SseEventKind.Content, "{\"a\":")]
    [InlineData("response.reasoning_summary_text.delta", "Thinking", SseEventKind.Content, "Thinking")]
    [InlineData("response.audio.delta", "UklGRg==", SseEventKind.Content, "")]
    [InlineData("response.output_text.done", "ignored", SseEventKind.Other, "")]
    public void OnEvent_Delta_IsContentAndTextGoesToSink(string type, string delta, SseEventKind kind, string text)
    {
        On(type, $$"""{"type":"{{type}}","item_id":"msg_1","output_index":0,"content_index":0,"delta":"{{delta}}","text":"{{delta}}"}""")
            .Should().Be(kind);

        _sink.ToString().Should().Be(text);
    }

    [Fact]
    public void OnEvent_CompletedWithFullOutput_DoesNotRepeatTextToSink()
    {
        On("response.completed", """{"type":"response.completed","response":{"output":[{"type":"message","content":[{"type":"output_text","text":"Hello"}]}],"usage":{"input_tokens":1,"output_tokens":1}}}""");

        _sink.ToString().Should().BeEmpty();
    }

    [Fact]
    public void OnEvent_ErrorEvent_IsOther()
    {
        On("error", """{"type":"error","code":"server_error","message":"boom","param":null}""").Should().Be(SseEventKind.Other);

        _reader.Usage.Should().BeNull();
    }

    private SseEventKind On(string eventName, string data) =>
        _reader.OnEvent(Encoding.UTF8.GetBytes(eventName), Encoding.UTF8.GetBytes(data));
}
