using Metering.Logs;

/// <summary>
/// Consume rows shaped like the gateway's for a small streamed chat completion. With one key every row
/// lands at the same insert point of each index; with many, rows spread like the query bench's seed
/// (key k of account k % 50 + 1, calling model (7k + s % 4) % 30), which dirties more index pages per commit.
/// </summary>
internal static class Rows
{
    public const int Accounts = 50;
    private const int Models = 30;

    private const string Details =
        """{"model_ratio":0.075,"completion_ratio":4,"cache_ratio":0.5,"cache_write_ratio":1.25,"group_ratio":1,"input_price_per_1m":0.15,"output_price_per_1m":0.6,"usage_source":"upstream","completed":true}""";

    public static LogRecord Consume(int producer, long sequence, int keys)
    {
        var key = keys == 1 ? 0 : (int)((producer * 7_919L + sequence * 104_729L) % keys);
        return new()
        {
            RequestId = $"req_{producer:x4}{sequence:x12}",
            TimeMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Type = LogType.Consume,
            AccountId = AccountOf(key, keys),
            KeyId = key + 1,
            TokenName = keys == 1 ? "bench" : $"key-{key}",
            Grp = key % 3 == 0 ? "vip" : "default",
            Model = keys == 1 ? "gpt-4o-mini" : $"model-{(key * 7 + sequence % 4) % Models:00}",
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

    public static long AccountOf(int key, int keys) => keys == 1 ? 1 : key % Accounts + 1;
}
