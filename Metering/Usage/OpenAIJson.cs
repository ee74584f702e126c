using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// Pieces shared by the OpenAI readers: the <c>[DONE]</c> terminator, and the <c>usage</c> object in both of
/// its spellings: chat/completions/embeddings
/// (<c>prompt_tokens</c>, <c>completion_tokens</c>, <c>prompt_tokens_details.cached_tokens</c>) and responses
/// (<c>input_tokens</c>, <c>output_tokens</c>, <c>input_tokens_details.cached_tokens</c>). The prompt count
/// already includes cached tokens; OpenAI reports no cache writes.
/// </summary>
internal static class OpenAIJson
{
    /// <summary>Reads the value of a <c>usage</c> property; null when it is null, empty or not an object.</summary>
    public static TokenUsage? ReadUsage(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        long? input = null, output = null, cached = null;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8))
            {
                input = reader.ReadInt64();
            }
            else if (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8))
            {
                output = reader.ReadInt64();
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8))
            {
                cached = ReadCachedTokens(ref reader) ?? cached;
            }
            else
            {
                reader.SkipValue();
            }
        }

        return input is null && output is null ? null : new TokenUsage(input ?? 0, output ?? 0, cached ?? 0);
    }

    /// <summary>True for the <c>data: [DONE]</c> that ends OpenAI streams.</summary>
    public static bool IsDone(ReadOnlySpan<byte> data) => data.Trim(" \t\r\n"u8).SequenceEqual("[DONE]"u8);

    private static long? ReadCachedTokens(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        long? cached = null;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("cached_tokens"u8))
            {
                cached = reader.ReadInt64();
            }
            else
            {
                reader.SkipValue();
            }
        }

        return cached;
    }
}
