using Metering.Ledger;

/// <summary>A consume row shaped like the gateway's for a small streamed chat completion.</summary>
internal static class Rows
{
    private const string Details =
        """{"model_ratio":0.075,"completion_ratio":4,"cache_ratio":0.5,"cache_write_ratio":1.25,"group_ratio":1,"input_price_per_1m":0.15,"output_price_per_1m":0.6,"usage_source":"upstream","completed":true}""";

    public static LogRecord Consume(int producer, long sequence) => new()
    {
        RequestId = $"req_{producer:x4}{sequence:x12}",
        TimeMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        Type = LogType.Consume,
        AccountId = 1,
        KeyId = 1,
        TokenName = "bench",
        Grp = "default",
        Model = "gpt-4o-mini",
        Path = "/v1/chat/completions",
        Status = 200,
        Stream = true,
        DurationMs = 412,
        FirstTokenMs = 180,
        InputTokens = 12,
        OutputTokens = 64,
        CachedTokens = 0,
        SpendNano = 40_500,
        Details = Details,
    };
}
