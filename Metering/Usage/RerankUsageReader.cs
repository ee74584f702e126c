using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// <c>/v1/rerank</c> in its two common shapes: Cohere reports <c>meta.billed_units.search_units</c> (one
/// search unit is one query over at most 100 documents); Jina and most compatible servers report
/// <c>usage.total_tokens</c> (or <c>prompt_tokens</c>), all of it input.
/// </summary>
internal sealed class RerankUsageReader : JsonBodyUsageReader, IBilledUnitsSource
{
    public BilledUnits? Units { get; private set; }

    protected override void ReadProperty(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("meta"u8))
            ReadMeta(ref reader);
        else if (reader.ValueTextEquals("usage"u8))
            ReadUsage(ref reader);
        else
            reader.SkipValue(); // results: scores and documents, nothing billed
    }

    private void ReadMeta(ref Utf8JsonReader reader)
    {
        if (!Enter(ref reader))
            return;
        while (reader.NextProperty())
        {
            if (!reader.ValueTextEquals("billed_units"u8) || !Enter(ref reader))
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                    reader.SkipValue();
                continue;
            }
            while (reader.NextProperty())
            {
                if (reader.ValueTextEquals("search_units"u8) && reader.ReadInt64() is { } units && units is >= 0 and <= (long)BilledUnits.MaxQuantity)
                    Units = new BilledUnits(BilledUnits.SearchUnit, units);
                else if (reader.TokenType == JsonTokenType.PropertyName)
                    reader.SkipValue();
            }
        }
    }

    private void ReadUsage(ref Utf8JsonReader reader)
    {
        if (!Enter(ref reader))
            return;
        long? total = null, prompt = null;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("total_tokens"u8))
                total = reader.ReadInt64();
            else if (reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8))
                prompt = reader.ReadInt64();
            else
                reader.SkipValue();
        }
        if ((total ?? prompt) is { } tokens and >= 0)
            Usage = new TokenUsage(tokens, 0);
    }

    /// <summary>Reads the property's value; true when it is an object (now inside it), else skips it.</summary>
    private static bool Enter(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.StartObject)
            return true;
        reader.Skip();
        return false;
    }
}
