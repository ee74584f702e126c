namespace Metering.Usage;

/// <summary>
/// Token counts of one request, normalised across wire formats: <see cref="InputTokens"/> counts every
/// prompt token, cached reads and cache writes included (OpenAI's <c>prompt_tokens</c> already does;
/// Anthropic's <c>input_tokens</c> does not, so its reader adds them back).
/// </summary>
public sealed record TokenUsage(long InputTokens, long OutputTokens, long CachedTokens = 0, long CacheWriteTokens = 0)
{
    public static readonly TokenUsage Zero = new(0, 0);

    public long TotalTokens => InputTokens + OutputTokens;
}
