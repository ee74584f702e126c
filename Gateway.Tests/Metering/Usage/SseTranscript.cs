using System.Text;
using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

/// <summary>What feeding a transcript through splitter → parser → reader produced.</summary>
/// <param name="Kinds">One letter per dispatched event: C content, U usage-only, D done, O other.</param>
/// <param name="Forwarded">Every raw event and the remainder, concatenated: what a pass-through writes.</param>
internal sealed record SseFeedResult(TokenUsage? Usage, string Kinds, string Text, byte[] Forwarded);

/// <summary>The gateway's stream-observer loop in miniature, for feeding recorded transcripts.</summary>
internal static class SseTranscript
{
    public static byte[] Load(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Resources", name));

    public static SseFeedResult Feed(WireFormat format, byte[] bytes) => Feed(format, [bytes]);

    /// <summary>Splits the bytes in two at <paramref name="position"/>.</summary>
    public static SseFeedResult FeedSplitAt(WireFormat format, byte[] bytes, int position) =>
        Feed(format, [bytes[..position], bytes[position..]]);

    public static SseFeedResult FeedRandomChunks(WireFormat format, byte[] bytes, int seed, int maxChunk)
    {
        var random = new Random(seed);
        var chunks = new List<byte[]>();
        for (var offset = 0; offset < bytes.Length;)
        {
            var size = Math.Min(random.Next(1, maxChunk + 1), bytes.Length - offset);
            chunks.Add(bytes[offset..(offset + size)]);
            offset += size;
        }

        return Feed(format, chunks);
    }

    public static SseFeedResult Feed(WireFormat format, IEnumerable<byte[]> chunks)
    {
        var text = new RecordingTextSink();
        var reader = UsageReaders.Create(format, text);
        var kinds = new StringBuilder();
        var forwarded = new MemoryStream();
        using var splitter = new SseEventSplitter();
        foreach (var chunk in chunks)
        {
            splitter.Append(chunk);
            while (splitter.TryReadEvent(out var rawEvent))
            {
                forwarded.Write(rawEvent.Span);
                Dispatch(rawEvent.Span, reader, kinds);
            }
        }

        var remainder = splitter.TakeRemainder();
        forwarded.Write(remainder.Span);
        Dispatch(remainder.Span, reader, kinds);
        return new SseFeedResult(reader.Usage, kinds.ToString(), text.ToString(), forwarded.ToArray());
    }

    private static void Dispatch(ReadOnlySpan<byte> rawEvent, IUsageReader reader, StringBuilder kinds)
    {
        if (SseEvent.TryParse(rawEvent, out var eventName, out var data))
        {
            kinds.Append(Letter(reader.OnEvent(eventName, data)));
        }
    }

    private static char Letter(SseEventKind kind) => kind switch
    {
        SseEventKind.Content => 'C',
        SseEventKind.UsageOnly => 'U',
        SseEventKind.Done => 'D',
        _ => 'O',
    };
}

internal sealed class RecordingTextSink : ITextSink
{
    private readonly StringBuilder _text = new();

    public void Append(ReadOnlySpan<char> text) => _text.Append(text);

    public override string ToString() => _text.ToString();
}
