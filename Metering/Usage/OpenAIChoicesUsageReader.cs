using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// Chat and completions share their envelope: <c>choices</c> plus an optional <c>usage</c>, in each stream
/// chunk and in the body. With <c>stream_options.include_usage</c> the usage comes in a last chunk whose
/// <c>choices</c> is empty; some compatible upstreams put it on a content chunk instead, so both count.
/// </summary>
internal abstract class OpenAIChoicesUsageReader(ITextSink? outputText) : IUsageReader
{
    public TokenUsage? Usage { get; private set; }

    public bool SawTerminal { get; private set; }

    public string? StreamError { get; private set; }

    protected ITextSink? OutputText { get; } = outputText;

    public SseEventKind OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (!OpenAIJson.IsDone(data))
        {
            return Read(data, streamed: true);
        }

        SawTerminal = true;
        return SseEventKind.Done;
    }

    public void OnBody(ReadOnlySpan<byte> json) => Read(json, streamed: false);

    /// <summary>Reads one element of <c>choices</c>, sending its text to the sink; true if it had content.</summary>
    protected abstract bool ReadChoice(ref Utf8JsonReader reader);

    private SseEventKind Read(ReadOnlySpan<byte> json, bool streamed)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.TryStartObject())
            {
                return SseEventKind.Other;
            }

            TokenUsage? usage = null;
            var choices = 0;
            var content = false;
            while (reader.NextProperty())
            {
                if (reader.ValueTextEquals("choices"u8))
                {
                    content |= ReadChoices(ref reader, out choices);
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    usage = OpenAIJson.ReadUsage(ref reader) ?? usage;
                }
                else if (streamed && reader.ValueTextEquals("error"u8))
                {
                    // A mid-stream failure: data: {"error":{"message":…,"type":"server_error",…}}
                    reader.Read();
                    StreamError = UpstreamError.Read(ref reader) ?? StreamError;
                }
                else
                {
                    reader.SkipValue();
                }
            }

            Usage = usage ?? Usage;
            return content ? SseEventKind.Content
                : choices == 0 && usage is not null ? SseEventKind.UsageOnly
                : SseEventKind.Other;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return SseEventKind.Other;   // garbage from upstream is passed on, not metered
        }
    }

    private bool ReadChoices(ref Utf8JsonReader reader, out int count)
    {
        count = 0;
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return false;
        }

        var content = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                content |= ReadChoice(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return content;
    }
}
