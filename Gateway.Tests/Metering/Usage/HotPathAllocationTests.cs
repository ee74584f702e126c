using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

/// <summary>The per-event path a stream takes (split, parse, read a content chunk) allocates nothing.</summary>
public sealed class HotPathAllocationTests
{
    [Theory]
    [InlineData(WireFormat.OpenAIChat, "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" caf\\u00e9\"},\"finish_reason\":null}],\"usage\":null}\n\n")]
    [InlineData(WireFormat.OpenAIResponses, "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"output_index\":0,\"delta\":\" Hi\"}\n\n")]
    [InlineData(WireFormat.AnthropicMessages, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" Hi\"}}\n\n")]
    public void SplitParseRead_ContentEvent_AllocatesNothing(WireFormat format, string sse)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(sse);
        var sink = new CharCountingSink();
        var reader = UsageReaders.Create(format, sink);
        using var splitter = new SseEventSplitter();
        Run(splitter, reader, bytes);   // warm up: buffer rented, code jitted

        var contentEvents = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            contentEvents += Run(splitter, reader, bytes);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
        contentEvents.Should().Be(100);
        sink.Chars.Should().BeGreaterThan(0);
    }

    private static int Run(SseEventSplitter splitter, IUsageReader reader, byte[] bytes)
    {
        var contentEvents = 0;
        splitter.Append(bytes);
        while (splitter.TryReadEvent(out var rawEvent))
        {
            if (SseEvent.TryParse(rawEvent.Span, out var name, out var data)
                && reader.OnEvent(name, data) == SseEventKind.Content)
            {
                contentEvents++;
            }
        }

        return contentEvents;
    }

    private sealed class CharCountingSink : ITextSink
    {
        public long Chars { get; private set; }

        public void Append(ReadOnlySpan<char> text) => Chars += text.Length;
    }
}
