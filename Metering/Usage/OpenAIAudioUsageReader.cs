using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// <c>/v1/audio/transcriptions</c> and <c>/translations</c> (JSON answers). Models billed by duration report
/// <c>"usage":{"type":"duration","seconds":…}</c>; <c>verbose_json</c> also carries a top-level <c>duration</c>.
/// Token-billed models (gpt-4o-transcribe) report <c>"usage":{"type":"tokens","input_tokens",…}</c>. A text,
/// SRT or VTT answer carries neither.
/// </summary>
internal sealed class OpenAIAudioUsageReader : JsonBodyUsageReader, IBilledUnitsSource
{
    private decimal? _usageSeconds, _duration;

    public BilledUnits? Units { get; private set; }

    protected override void ReadProperty(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("usage"u8))
        {
            // Read twice: once for tokens (the shared reader), once for the duration variant's seconds.
            var copy = reader;
            Usage = OpenAIJson.ReadUsage(ref reader) ?? Usage;
            _usageSeconds = ReadSeconds(ref copy, "seconds"u8);
        }
        else if (reader.ValueTextEquals("duration"u8))
        {
            reader.Read();
            _duration = Seconds(ref reader);
            reader.Skip();
        }
        else
            reader.SkipValue();
    }

    protected override void Finish()
    {
        if ((_usageSeconds ?? _duration) is { } seconds)
            Units = new BilledUnits(BilledUnits.Second, seconds);
    }

    private static decimal? ReadSeconds(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
            return null;
        decimal? seconds = null;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals(name))
            {
                reader.Read();
                seconds = Seconds(ref reader);
                reader.Skip();
            }
            else
                reader.SkipValue();
        }
        return seconds;
    }

    /// <summary>A non-negative, believable number of seconds; anything else is no report.</summary>
    private static decimal? Seconds(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out var value) && value >= 0 && value <= BilledUnits.MaxQuantity ? value : null;
}
