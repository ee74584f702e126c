using System.Text;
using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

public sealed class OpenAICompletionsUsageReaderTests
{
    [Theory]
    [InlineData("""{"choices":[{"text":" Paris","index":0,"finish_reason":null}],"usage":null}""", SseEventKind.Content)]
    [InlineData("""{"choices":[{"text":"","index":0,"finish_reason":"stop"}],"usage":null}""", SseEventKind.Other)]
    [InlineData("""{"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":11,"total_tokens":18}}""", SseEventKind.UsageOnly)]
    [InlineData("[DONE]", SseEventKind.Done)]
    public void OnEvent_Chunk_IsClassified(string data, SseEventKind expected)
    {
        var reader = UsageReaders.Create(WireFormat.OpenAICompletions);

        reader.OnEvent(default, Encoding.UTF8.GetBytes(data)).Should().Be(expected);
    }

    [Fact]
    public void OnBody_Completion_TakesUsageAndText()
    {
        var sink = new RecordingTextSink();
        var reader = UsageReaders.Create(WireFormat.OpenAICompletions, sink);

        reader.OnBody("""{"id":"cmpl-1","object":"text_completion","choices":[{"text":"\n\nThis is a test.","index":0,"logprobs":null,"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}"""u8);

        reader.Usage.Should().Be(new TokenUsage(5, 7));
        sink.ToString().Should().Be("\n\nThis is a test.");
    }
}
