using System.Text;
using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

public sealed class GeminiUsageReaderTests
{
    private readonly RecordingTextSink _sink = new();
    private readonly IUsageReader _reader;

    public GeminiUsageReaderTests() => _reader = UsageReaders.Create(WireFormat.GeminiGenerateContent, _sink);

    [Fact]
    public void OnBody_CachedContent_IsInsidePromptNotAddedAgain()
    {
        _reader.OnBody("""{"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":1000,"candidatesTokenCount":5,"cachedContentTokenCount":800,"totalTokenCount":1005}}"""u8);

        _reader.Usage.Should().Be(new TokenUsage(InputTokens: 1000, OutputTokens: 5, CachedTokens: 800));
        _reader.SawTerminal.Should().BeFalse("a body is not a stream");
    }

    [Fact]
    public void OnBody_ThoughtsAndToolUsePrompt_CountAsOutputAndInput()
    {
        _reader.OnBody("""{"candidates":[],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5,"thoughtsTokenCount":40,"toolUsePromptTokenCount":7,"totalTokenCount":62}}"""u8);

        _reader.Usage.Should().Be(new TokenUsage(17, 45));
        _reader.Usage!.TotalTokens.Should().Be(62, "Google's totalTokenCount is the same sum");
    }

    [Fact]
    public void OnEvent_ChunksRepeatUsage_TakesTheLastPerFieldNeverASum()
    {
        On("""{"candidates":[{"content":{"parts":[{"text":"A"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":12,"totalTokenCount":12}}""");
        On("""{"candidates":[{"content":{"parts":[{"text":"B"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":12,"totalTokenCount":12}}""");
        _reader.Usage.Should().Be(new TokenUsage(12, 0));
        _reader.SawTerminal.Should().BeFalse();

        On("""{"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"MAX_TOKENS","index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":2,"totalTokenCount":14}}""");

        _reader.Usage.Should().Be(new TokenUsage(12, 2));
        _reader.SawTerminal.Should().BeTrue("Gemini streams end on the chunk carrying finishReason, with no [DONE]");
        _sink.ToString().Should().Be("AB");
    }

    [Theory]
    [InlineData("""{"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"}}]}""", SseEventKind.Content)]
    [InlineData("""{"candidates":[{"content":{"parts":[{"text":"Think","thought":true}],"role":"model"}}]}""", SseEventKind.Content)]
    [InlineData("""{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{}}}],"role":"model"}}]}""", SseEventKind.Content)]
    [InlineData("""{"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"STOP"}]}""", SseEventKind.Other)]
    [InlineData("""{"candidates":[{"content":{"role":"model"},"finishReason":"SAFETY"}]}""", SseEventKind.Other)]
    [InlineData("""{"usageMetadata":{"promptTokenCount":3}}""", SseEventKind.Other)]
    [InlineData("""{"candidates":[{"content":{"parts":[{"text":"Hi""", SseEventKind.Other)]
    [InlineData("[DONE]", SseEventKind.Other)]
    public void OnEvent_Chunk_IsClassified(string data, SseEventKind expected)
    {
        On(data).Should().Be(expected);
    }

    [Fact]
    public void OnEvent_BlockedPrompt_EndsTheStreamWithItsUsage()
    {
        On("""{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":9,"totalTokenCount":9}}""");

        _reader.SawTerminal.Should().BeTrue();
        _reader.Usage.Should().Be(new TokenUsage(9, 0));
    }

    [Fact]
    public void OnEvent_ErrorChunk_IsTheStreamErrorWithGooglesStatus()
    {
        On("""{"candidates":[{"content":{"parts":[{"text":"A"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":4}}""");
        On("""{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}""");

        _reader.StreamError.Should().Be("UNAVAILABLE: The model is overloaded.");
        _reader.Usage.Should().Be(new TokenUsage(4, 0), "usage before the error stands");
    }

    [Fact]
    public void OnEvent_MalformedChunk_KeepsEarlierUsage()
    {
        On("""{"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1}}""");
        On("""{"usageMetadata":{"promptTokenCount":999""");

        _reader.Usage.Should().Be(new TokenUsage(4, 1));
    }

    private SseEventKind On(string data) => _reader.OnEvent(default, Encoding.UTF8.GetBytes(data));
}
