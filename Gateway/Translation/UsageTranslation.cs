using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// Token usage each way. OpenAI's <c>prompt_tokens</c> counts every prompt token, cached ones included
/// (<c>prompt_tokens_details.cached_tokens</c>); Anthropic's <c>input_tokens</c> excludes cache reads
/// (<c>cache_read_input_tokens</c>) and writes (<c>cache_creation_input_tokens</c>). OpenAI has no field
/// for cache writes: they stay inside <c>prompt_tokens</c>. The row is metered from the upstream's own
/// report, not from these.
/// </summary>
internal static class UsageTranslation
{
    public sealed record Counts(long Input, long Output, long CacheRead, long CacheWrite)
    {
        public long Prompt => Input + CacheRead + CacheWrite;
    }

    public static Counts FromAnthropic(JsonNode? usage) => new(
        Long(usage?["input_tokens"]), Long(usage?["output_tokens"]),
        Long(usage?["cache_read_input_tokens"]), Long(usage?["cache_creation_input_tokens"]));

    public static Counts FromOpenAI(JsonNode? usage)
    {
        var prompt = Long(usage?["prompt_tokens"]);
        var cached = Long(usage?["prompt_tokens_details"]?["cached_tokens"]);
        return new Counts(Math.Max(0, prompt - cached), Long(usage?["completion_tokens"]), cached, 0);
    }

    public static JsonObject ToOpenAI(Counts c) => new()
    {
        ["prompt_tokens"] = c.Prompt,
        ["completion_tokens"] = c.Output,
        ["total_tokens"] = c.Prompt + c.Output,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = c.CacheRead },
    };

    public static JsonObject ToAnthropic(Counts c) => new()
    {
        ["input_tokens"] = c.Input,
        ["cache_creation_input_tokens"] = c.CacheWrite,
        ["cache_read_input_tokens"] = c.CacheRead,
        ["output_tokens"] = c.Output,
    };

    /// <summary>
    /// Gemini's <c>usageMetadata</c>: <c>promptTokenCount</c> includes <c>cachedContentTokenCount</c>;
    /// <c>thoughtsTokenCount</c> is output beside <c>candidatesTokenCount</c> (OpenAI counts reasoning inside
    /// <c>completion_tokens</c>, so it is added in).
    /// </summary>
    public static JsonObject GeminiToOpenAI(JsonNode? metadata)
    {
        var prompt = Long(metadata?["promptTokenCount"]);
        var thoughts = Long(metadata?["thoughtsTokenCount"]);
        var completion = Long(metadata?["candidatesTokenCount"]) + thoughts;
        return new JsonObject
        {
            ["prompt_tokens"] = prompt,
            ["completion_tokens"] = completion,
            ["total_tokens"] = prompt + completion,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = Long(metadata?["cachedContentTokenCount"]) },
            ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = thoughts },
        };
    }

    /// <summary>OpenAI's usage as Gemini's <c>usageMetadata</c>: reasoning tokens become <c>thoughtsTokenCount</c>.</summary>
    public static JsonObject OpenAIToGemini(JsonNode? usage)
    {
        var prompt = Long(usage?["prompt_tokens"]);
        var completion = Long(usage?["completion_tokens"]);
        var reasoning = Long(usage?["completion_tokens_details"]?["reasoning_tokens"]);
        var metadata = new JsonObject
        {
            ["promptTokenCount"] = prompt,
            ["candidatesTokenCount"] = completion - reasoning,
            ["totalTokenCount"] = prompt + completion,
        };
        if (Long(usage?["prompt_tokens_details"]?["cached_tokens"]) is > 0 and var cached)
            metadata["cachedContentTokenCount"] = cached;
        if (reasoning > 0)
            metadata["thoughtsTokenCount"] = reasoning;
        return metadata;
    }

    private static long Long(JsonNode? node) => node is JsonValue value && value.TryGetValue<long>(out var n) ? n : 0;
}
