using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// Anthropic's <c>usage</c> fields as last reported; absent or null fields keep their earlier value, so a
/// <c>message_delta</c> carrying only <c>output_tokens</c> leaves <c>message_start</c>'s input side alone.
/// </summary>
internal struct AnthropicUsageFields
{
    public long? InputTokens;
    public long? CacheReadInputTokens;
    public long? CacheCreationInputTokens;
    public long? OutputTokens;

    /// <summary>Reads the value of a <c>usage</c> property.</summary>
    public void Read(ref Utf8JsonReader reader)
    {
        reader.Read();
        ReadObject(ref reader);
    }

    /// <summary>Reads the usage object the reader is on; anything else is skipped.</summary>
    public void ReadObject(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("input_tokens"u8))
            {
                InputTokens = reader.ReadInt64() ?? InputTokens;
            }
            else if (reader.ValueTextEquals("cache_read_input_tokens"u8))
            {
                CacheReadInputTokens = reader.ReadInt64() ?? CacheReadInputTokens;
            }
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8))
            {
                CacheCreationInputTokens = reader.ReadInt64() ?? CacheCreationInputTokens;
            }
            else if (reader.ValueTextEquals("output_tokens"u8))
            {
                OutputTokens = reader.ReadInt64() ?? OutputTokens;
            }
            else
            {
                reader.SkipValue();   // cache_creation breakdown, server_tool_use, service_tier
            }
        }
    }

    /// <summary>Normalised: input counts cache reads and writes too. Null until a count has been seen.</summary>
    public readonly TokenUsage? ToTokenUsage()
    {
        if (InputTokens is null && CacheReadInputTokens is null && CacheCreationInputTokens is null && OutputTokens is null)
        {
            return null;
        }

        var cacheRead = CacheReadInputTokens ?? 0;
        var cacheWrite = CacheCreationInputTokens ?? 0;
        return new TokenUsage((InputTokens ?? 0) + cacheRead + cacheWrite, OutputTokens ?? 0, cacheRead, cacheWrite);
    }
}
