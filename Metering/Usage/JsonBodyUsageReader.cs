using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// A reader for an endpoint that answers one JSON body and never streams (images, audio, rerank): each
/// top-level property is handed to <see cref="ReadProperty"/>. Like every reader, it never throws on what
/// the upstream sends.
/// </summary>
internal abstract class JsonBodyUsageReader : IUsageReader
{
    public TokenUsage? Usage { get; protected set; }

    public bool SawTerminal => false;

    public string? StreamError => null;

    public SseEventKind OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data) => SseEventKind.Other;

    public void OnBody(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.TryStartObject())
                return;
            while (reader.NextProperty())
                ReadProperty(ref reader);
            Finish();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
        }
    }

    /// <summary>The reader is on a top-level property's name; reads or skips its value.</summary>
    protected abstract void ReadProperty(ref Utf8JsonReader reader);

    /// <summary>After the whole body: settle what several properties said.</summary>
    protected virtual void Finish()
    {
    }
}
