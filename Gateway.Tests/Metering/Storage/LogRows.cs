using Metering.Ledger;
using Metering.Logs;

namespace Gateway.Tests.Metering.Storage;

/// <summary>Log rows with chosen times, models and groups, for seeding through the real store.</summary>
internal static class LogRows
{
    /// <summary>A fixed midnight (UTC) far enough back that no live traffic lands near it.</summary>
    public static readonly long T0 = DateTimeOffset.Parse("2025-03-01T00:00:00Z").ToUnixTimeMilliseconds();

    public const long Hour = 3_600_000;
    public const long Day = 24 * Hour;

    public static LogRecord Row(long timeMs, string type = LogType.Consume, long? account = 1, string token = "k1",
        string group = "default", string model = "m1", long spendNano = 1_000, long input = 10, long output = 5,
        long? durationMs = 100, long? firstTokenMs = null, string? message = null, string? ip = null) => new()
        {
            RequestId = "req_" + Guid.NewGuid().ToString("N"),
            TimeMs = timeMs,
            Type = type,
            AccountId = account,
            TokenName = token,
            Grp = group,
            Model = model,
            Path = "/v1/chat/completions",
            Status = type == LogType.Error ? 502 : 200,
            Stream = firstTokenMs is not null,
            DurationMs = durationMs,
            FirstTokenMs = firstTokenMs,
            InputTokens = input,
            OutputTokens = output,
            SpendNano = spendNano,
            Ip = ip,
            Message = message,
            Details = new LogDetails { ModelRatio = 1, CompletionRatio = 2, GroupRatio = 1, UsageSource = "upstream", Completed = true }.ToJson(),
        };

    /// <summary>
    /// Rows spread over <paramref name="days"/> days from <see cref="T0"/> with every dimension varied,
    /// deterministic for a seed: the ground truth for comparing rollup answers with brute force.
    /// </summary>
    public static List<LogRecord> Random(int count, int seed, int days = 3)
    {
        var random = new Random(seed);
        string[] types = [LogType.Consume, LogType.Consume, LogType.Consume, LogType.Error, LogType.System];
        return Enumerable.Range(0, count).Select(_ =>
        {
            var key = random.Next(6);
            var stream = random.Next(2) == 0;
            return Row(
                T0 + random.NextInt64(days * Day),
                type: types[random.Next(types.Length)],
                account: key / 2 + 1,
                token: $"k{key}",
                group: key % 3 == 0 ? "vip" : "default",
                model: $"m{random.Next(4)}",
                spendNano: random.NextInt64(5_000_000),
                input: random.Next(5_000),
                output: random.Next(2_000),
                durationMs: random.Next(10) == 0 ? null : random.NextInt64(1, 70_000),
                firstTokenMs: stream ? random.NextInt64(1, 5_000) : null);
        }).ToList();
    }
}
