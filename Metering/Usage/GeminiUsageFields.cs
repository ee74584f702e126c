using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// Gemini's <c>usageMetadata</c> as last reported; absent fields keep their earlier value. In a stream every
/// chunk repeats the prompt side and only the last one adds <c>candidatesTokenCount</c>, so fields are merged,
/// never summed.
/// </summary>
/// <remarks>
/// Google's accounting: <c>promptTokenCount</c> already includes <c>cachedContentTokenCount</c> (like OpenAI's
/// <c>prompt_tokens</c>), and <c>totalTokenCount</c> = prompt + candidates + thoughts + tool-use prompt. Thoughts
/// are billed as output; the tool-use prompt (results of Google-run tools fed back in) as input.
/// </remarks>
internal struct GeminiUsageFields
{
    public long? PromptTokenCount;
    public long? CandidatesTokenCount;
    public long? CachedContentTokenCount;
    public long? ThoughtsTokenCount;
    public long? ToolUsePromptTokenCount;

    /// <summary>Reads the value of a <c>usageMetadata</c> property; anything but an object is skipped.</summary>
    public void Read(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("promptTokenCount"u8))
                PromptTokenCount = reader.ReadInt64() ?? PromptTokenCount;
            else if (reader.ValueTextEquals("candidatesTokenCount"u8))
                CandidatesTokenCount = reader.ReadInt64() ?? CandidatesTokenCount;
            else if (reader.ValueTextEquals("cachedContentTokenCount"u8))
                CachedContentTokenCount = reader.ReadInt64() ?? CachedContentTokenCount;
            else if (reader.ValueTextEquals("thoughtsTokenCount"u8))
                ThoughtsTokenCount = reader.ReadInt64() ?? ThoughtsTokenCount;
            else if (reader.ValueTextEquals("toolUsePromptTokenCount"u8))
                ToolUsePromptTokenCount = reader.ReadInt64() ?? ToolUsePromptTokenCount;
            else
                reader.SkipValue();   // totalTokenCount (derived), the per-modality details
        }
    }

    /// <summary>Normalised: input counts every prompt token, cached ones once; output counts thoughts. Null until a count.</summary>
    public readonly TokenUsage? ToTokenUsage()
    {
        if (PromptTokenCount is null && CandidatesTokenCount is null && ThoughtsTokenCount is null
            && CachedContentTokenCount is null && ToolUsePromptTokenCount is null)
            return null;

        return new TokenUsage(
            InputTokens: (PromptTokenCount ?? 0) + (ToolUsePromptTokenCount ?? 0),
            OutputTokens: (CandidatesTokenCount ?? 0) + (ThoughtsTokenCount ?? 0),
            CachedTokens: CachedContentTokenCount ?? 0);
    }
}
