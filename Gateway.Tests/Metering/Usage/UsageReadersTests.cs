using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

public sealed class UsageReadersTests
{
    [Theory]
    [InlineData(WireFormat.OpenAIChat)]
    [InlineData(WireFormat.OpenAICompletions)]
    [InlineData(WireFormat.OpenAIResponses)]
    [InlineData(WireFormat.OpenAIEmbeddings)]
    [InlineData(WireFormat.AnthropicMessages)]
    public void Create_EachFormat_StartsWithoutUsage(WireFormat format)
    {
        UsageReaders.Create(format).Usage.Should().BeNull();
    }

    [Fact]
    public void Create_UnknownFormat_Throws()
    {
        var act = () => UsageReaders.Create((WireFormat)99);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(WireFormat.OpenAIChat)]
    [InlineData(WireFormat.OpenAICompletions)]
    [InlineData(WireFormat.OpenAIResponses)]
    [InlineData(WireFormat.OpenAIEmbeddings)]
    [InlineData(WireFormat.AnthropicMessages)]
    public void OnEventAndOnBody_RandomBytesAndTruncatedJson_NeverThrow(WireFormat format)
    {
        var reader = UsageReaders.Create(format, new RecordingTextSink());
        var random = new Random(7);
        var transcript = SseTranscript.Load("anthropic-messages-stream.sse");
        var act = () =>
        {
            for (var i = 0; i < 2000; i++)
            {
                var bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
                reader.OnEvent(bytes, bytes);
                reader.OnBody(bytes);
            }

            for (var length = 0; length < 600; length++)
            {
                // Every prefix of real JSON: truncated objects, strings cut inside escapes.
                var prefix = transcript.AsSpan(transcript.AsSpan().IndexOf("{"u8)..)[..length];
                reader.OnEvent("message_start"u8, prefix);
                reader.OnBody(prefix);
            }
        };

        act.Should().NotThrow();
    }

    // BAD marks where the bad character goes in a content event or body; each row's text is "Hello BAD world".
    [Theory]
    [InlineData(WireFormat.OpenAIChat, "", """{"choices":[{"index":0,"delta":{"content":"Hello BAD world"}}]}""")]
    [InlineData(WireFormat.OpenAIChat, "", """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"Hello BAD world"}}]}}]}""")]
    [InlineData(WireFormat.OpenAIChat, "body", """{"choices":[{"index":0,"message":{"role":"assistant","content":"Hello BAD world"}}]}""")]
    [InlineData(WireFormat.OpenAICompletions, "", """{"choices":[{"index":0,"text":"Hello BAD world"}]}""")]
    [InlineData(WireFormat.OpenAIResponses, "response.output_text.delta", """{"type":"response.output_text.delta","delta":"Hello BAD world"}""")]
    [InlineData(WireFormat.OpenAIResponses, "body", """{"output":[{"type":"message","content":[{"type":"output_text","text":"Hello BAD world"}]}]}""")]
    [InlineData(WireFormat.AnthropicMessages, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello BAD world"}}""")]
    [InlineData(WireFormat.AnthropicMessages, "body", """{"content":[{"type":"text","text":"Hello BAD world"}]}""")]
    public void OnEventAndOnBody_LoneSurrogateOrInvalidUtf8InText_DeliversReplacementCharacter(WireFormat format, string eventName, string json)
    {
        foreach (var bad in (string[])["\\ud800", "\\udc00x", "0xFF"])
        {
            var sink = new RecordingTextSink();
            var reader = UsageReaders.Create(format, sink);
            var bytes = System.Text.Encoding.UTF8.GetBytes(json.Replace("BAD", bad == "0xFF" ? "\u0001" : bad));
            bytes = bad == "0xFF" ? bytes.Select(b => b == 1 ? (byte)0xFF : b).ToArray() : bytes;

            if (eventName == "body")
            {
                reader.OnBody(bytes);
            }
            else
            {
                reader.OnEvent(System.Text.Encoding.UTF8.GetBytes(eventName), bytes).Should().Be(SseEventKind.Content);
            }

            sink.ToString().Should().Be(bad == "\\udc00x" ? "Hello \ufffdx world" : "Hello \ufffd world");
        }
    }

    [Fact]
    public void OnEvent_EscapesAndSurrogatePairs_DecodeLikeTheJsonReader()
    {
        var sink = new RecordingTextSink();
        var reader = UsageReaders.Create(WireFormat.OpenAIChat, sink);

        reader.OnEvent(default, """{"choices":[{"delta":{"content":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00é😀"}}]}"""u8);

        sink.ToString().Should().Be("a\"b\\c/d\b\f\n\r\té😀é😀");
    }
}
