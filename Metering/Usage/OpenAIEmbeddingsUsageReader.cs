using System.Text.Json;

namespace Metering.Usage;

/// <summary><c>/v1/embeddings</c>: never streamed, no output text; <c>usage.prompt_tokens</c> is all there is.</summary>
internal sealed class OpenAIEmbeddingsUsageReader : IUsageReader
{
    public TokenUsage? Usage { get; private set; }

    public bool SawTerminal { get; private set; }

    public string? StreamError => null;

    public SseEventKind OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        var done = OpenAIJson.IsDone(data);
        SawTerminal |= done;
        return done ? SseEventKind.Done : SseEventKind.Other;
    }

    public void OnBody(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.TryStartObject())
            {
                return;
            }

            TokenUsage? usage = null;
            while (reader.NextProperty())
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    usage = OpenAIJson.ReadUsage(ref reader) ?? usage;
                }
                else
                {
                    reader.SkipValue();   // the vectors: skipped without being decoded
                }
            }

            // Embeddings produce no output tokens, whatever else a compatible upstream reports.
            Usage = usage is null ? Usage : usage with { OutputTokens = 0 };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }
    }
}
