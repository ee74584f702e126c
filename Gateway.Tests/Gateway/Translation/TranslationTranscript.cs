using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Translation;
using Metering.Usage;

namespace Gateway.Tests.Gateway.Translation;

/// <summary>One client event a translator wrote: its <c>event</c> name (empty when none) and data.</summary>
internal sealed record ClientEvent(string Name, string Data)
{
    public JsonNode Json => JsonNode.Parse(Data)!;
}

/// <summary>What one upstream event turned into, at once: the client events, and whether they carried content.</summary>
internal sealed record TranslatedStep(string UpstreamEvent, IReadOnlyList<ClientEvent> Events, bool Content);

/// <summary>Feeds a recorded upstream stream through a translator one event at a time, as the observer does.</summary>
internal static class TranslationTranscript
{
    public static byte[] Load(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Resources", name));

    public static JsonObject LoadJson(string name) => (JsonObject)JsonNode.Parse(Load(name))!;

    public static List<TranslatedStep> Feed(IStreamTranslator translator, byte[] transcript)
    {
        var steps = new List<TranslatedStep>();
        using var splitter = new SseEventSplitter();
        splitter.Append(transcript);
        while (splitter.TryReadEvent(out var raw))
        {
            if (!SseEvent.TryParse(raw.Span, out var name, out var data))
                continue;
            var output = new ArrayBufferWriter<byte>();
            var content = translator.OnEvent(name, data, output);
            steps.Add(new TranslatedStep(Encoding.UTF8.GetString(name.IsEmpty ? data : name), Parse(output.WrittenSpan), content));
        }
        return steps;
    }

    /// <summary>Client events, parsed back with the same SSE rules a client uses; each must be whole.</summary>
    public static List<ClientEvent> Parse(ReadOnlySpan<byte> sse)
    {
        var events = new List<ClientEvent>();
        using var splitter = new SseEventSplitter();
        splitter.Append(sse);
        while (splitter.TryReadEvent(out var raw))
        {
            // A comment (keep-alive) is dispatched to no listener: kept as an event named ":".
            if (!SseEvent.TryParse(raw.Span, out var name, out var data))
                events.Add(new ClientEvent(":", Encoding.UTF8.GetString(raw.Span)));
            else
                events.Add(new ClientEvent(Encoding.UTF8.GetString(name), Encoding.UTF8.GetString(data)));
        }
        splitter.TakeRemainder().Length.Should().Be(0, "every event written is whole");
        return events;
    }
}
