using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

/// <summary>
/// Recorded transcripts fed through splitter → parser → reader: whole, in random chunks, and split in two at
/// every byte. Kinds: one letter per dispatched event (C content, U usage-only, D done, O other).
/// </summary>
public sealed class TranscriptTests
{
    public static TheoryData<string, WireFormat> Transcripts => new()
    {
        { "openai-chat-stream.sse", WireFormat.OpenAIChat },
        { "openai-chat-stream-usage-on-content-chunk.sse", WireFormat.OpenAIChat },
        { "openai-chat-stream-malformed.sse", WireFormat.OpenAIChat },
        { "openai-completions-stream.sse", WireFormat.OpenAICompletions },
        { "openai-responses-stream.sse", WireFormat.OpenAIResponses },
        { "anthropic-messages-stream.sse", WireFormat.AnthropicMessages },
        { "gemini-stream.sse", WireFormat.GeminiGenerateContent },
    };

    [Theory]
    [InlineData("openai-chat-stream.sse", WireFormat.OpenAIChat, "OCCCCCCCCCOUD", 1234, 9, 1024, 0,
        "Hello! How can I help you today?")]
    [InlineData("openai-chat-stream-usage-on-content-chunk.sse", WireFormat.OpenAIChat, "OCCCCCCCOD", 25, 8, 0, 0,
        "The capital of France is Paris.")]
    [InlineData("openai-chat-stream-malformed.sse", WireFormat.OpenAIChat, "OCOOCOOUOOD", 12, 3, 0, 0,
        "Hi there")]
    [InlineData("openai-completions-stream.sse", WireFormat.OpenAICompletions, "CCCCCCCCCCCOUD", 7, 11, 0, 0,
        " Paris. It is known as the City of Light.")]
    [InlineData("openai-responses-stream.sse", WireFormat.OpenAIResponses, "OOOOCCCCCCCCCCOOOO", 2110, 10, 1920, 0,
        "Hi there! How can I assist you today?")]
    [InlineData("anthropic-messages-stream.sse", WireFormat.AnthropicMessages, "OOOCCCOOCCCOOO", 21 + 3014 + 1188, 89, 3014, 1188,
        "Okay, let me check the weather in San Francisco for you.{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}")]
    // Gemini: prompt 2140 includes the 1920 cached; output is candidates 31 + thoughts 100.
    [InlineData("gemini-stream.sse", WireFormat.GeminiGenerateContent, "CCCO", 2140, 131, 1920, 0,
        "Let me check Paris and Lyon.get_weather{\"location\":\"Paris\"}get_weather{\"location\":\"Lyon\"}")]
    public void Feed_WholeTranscript_GivesRecordedUsageKindsAndText(
        string file, WireFormat format, string kinds, long input, long output, long cached, long cacheWrite, string text)
    {
        var bytes = SseTranscript.Load(file);

        var result = SseTranscript.Feed(format, bytes);

        result.Usage.Should().Be(new TokenUsage(input, output, cached, cacheWrite));
        result.Kinds.Should().Be(kinds);
        result.Text.Should().Be(text);
        result.Forwarded.Should().Equal(bytes);
    }

    [Theory]
    [MemberData(nameof(Transcripts))]
    public void Feed_RandomChunks_SameAsWhole(string file, WireFormat format)
    {
        var bytes = SseTranscript.Load(file);
        var whole = SseTranscript.Feed(format, bytes);

        for (var seed = 1; seed <= 20; seed++)
        {
            var chunked = SseTranscript.FeedRandomChunks(format, bytes, seed, maxChunk: seed <= 10 ? 7 : 300);

            chunked.Usage.Should().Be(whole.Usage, "seed {0}", seed);
            chunked.Kinds.Should().Be(whole.Kinds, "seed {0}", seed);
            chunked.Text.Should().Be(whole.Text, "seed {0}", seed);
            chunked.Forwarded.Should().Equal(bytes);
        }
    }

    [Theory]
    [MemberData(nameof(Transcripts))]
    public void Feed_SplitAtEveryByte_SameAsWhole(string file, WireFormat format)
    {
        var bytes = SseTranscript.Load(file);
        var whole = SseTranscript.Feed(format, bytes);

        for (var position = 0; position <= bytes.Length; position++)
        {
            var split = SseTranscript.FeedSplitAt(format, bytes, position);

            if (split.Usage != whole.Usage || split.Kinds != whole.Kinds || split.Text != whole.Text
                || !split.Forwarded.AsSpan().SequenceEqual(bytes))
            {
                split.Should().BeEquivalentTo(whole with { Forwarded = bytes }, "split at byte {0}", position);
            }
        }
    }

    [Theory]
    [InlineData("openai-chat.json", WireFormat.OpenAIChat, 1462, 17, 1280, 0,
        "The capital of France is \"Paris\" — population ≈ 2.1 million.")]
    [InlineData("openai-embeddings.json", WireFormat.OpenAIEmbeddings, 8, 0, 0, 0, "")]
    [InlineData("openai-responses.json", WireFormat.OpenAIResponses, 3120, 214, 2944, 0,
        "Counting the letters one by one.{\"word\":\"strawberry\"}There are three r's in strawberry.")]
    [InlineData("anthropic-messages.json", WireFormat.AnthropicMessages, 472 + 2048 + 96, 91, 2048, 96,
        "The user wants the weather; call the tool.I'll look that up.{\n        \"location\": \"Paris\",\n        \"unit\": \"celsius\"\n      }")]
    [InlineData("gemini-generate-content.json", WireFormat.GeminiGenerateContent, 2140, 24 + 100, 1920, 0,
        "Let me look up the weather in Paris.get_weather{\n                \"location\": \"Paris\",\n                \"unit\": \"celsius\"\n              }")]
    public void OnBody_RecordedBody_GivesUsageAndText(
        string file, WireFormat format, long input, long output, long cached, long cacheWrite, string text)
    {
        var sink = new RecordingTextSink();
        var reader = UsageReaders.Create(format, sink);

        reader.OnBody(SseTranscript.Load(file));

        reader.Usage.Should().Be(new TokenUsage(input, output, cached, cacheWrite));
        sink.ToString().Should().Be(text);
    }
}
