using System.Globalization;
using System.Text;

namespace Gateway.Api;

/// <summary>
/// Log rows as RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they hold a comma, a
/// quote or a line break, quotes doubled. The billing details are flattened into columns.
/// </summary>
internal static class LogCsv
{
    public static readonly string[] Header =
    [
        "id", "request_id", "time", "type", "account_id", "token_name", "group", "model", "path", "status", "stream",
        "duration_ms", "first_token_ms", "input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens", "spend",
        "ip", "message", "model_ratio", "completion_ratio", "cache_ratio", "cache_write_ratio", "group_ratio", "price",
        "input_price_per_1m", "output_price_per_1m", "usage_source", "completed",
    ];

    public static void AppendHeader(StringBuilder line) => AppendLine(line, Header);

    public static void AppendRow(StringBuilder line, LogDto r)
    {
        var d = r.Details;
        AppendLine(line,
        [
            N(r.Id), r.RequestId, r.Time, r.Type, N(r.AccountId), r.TokenName, r.Group, r.Model, r.Path, N(r.Status),
            r.Stream ? "true" : "false", N(r.DurationMs), N(r.FirstTokenMs), N(r.InputTokens), N(r.OutputTokens),
            N(r.CachedTokens), N(r.CacheWriteTokens), N(r.Spend), r.Ip, r.Message, N(d?.ModelRatio), N(d?.CompletionRatio),
            N(d?.CacheRatio), N(d?.CacheWriteRatio), N(d?.GroupRatio), N(d?.Price), N(d?.InputPricePer1M),
            N(d?.OutputPricePer1M), d?.UsageSource, d?.Completed is { } completed ? (completed ? "true" : "false") : null,
        ]);
    }

    private static void AppendLine(StringBuilder line, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
                line.Append(',');
            AppendField(line, fields[i]);
        }
        line.Append("\r\n");
    }

    private static void AppendField(StringBuilder line, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return;
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(value);
            return;
        }
        line.Append('"').Append(value.Replace("\"", "\"\"")).Append('"');
    }

    private static string? N<T>(T? value) where T : struct, IFormattable => value?.ToString(null, CultureInfo.InvariantCulture);

    private static string N<T>(T value) where T : struct, IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}
