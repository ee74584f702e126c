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
}
