using System.Globalization;
using System.Text;
using Metering.Logs;
using Metering.Pricing;

namespace Gateway.Api.Logs;

/// <summary>
/// Log rows as RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they hold a comma, a
/// quote or a line break, quotes doubled. Values as in <see cref="LogDto"/>; the billing details are
/// flattened into columns. A text cell that a spreadsheet would run as a formula (it starts with
/// <c>= + - @</c>, a tab or a carriage return; clients choose the model name, for one) gets a leading
/// apostrophe, as OWASP advises for CSV injection.
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

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void AppendHeader(StringBuilder line)
    {
        foreach (var name in Header)
            line.Append(name).Append(name == Header[^1] ? "\r\n" : ",");
    }

    /// <summary>The details columns of a row, formatted once per distinct details (see <see cref="LogDetailsCache{T}"/>).</summary>
    public static string DetailsFields(LogDetails? d)
    {
        var line = new StringBuilder();
        decimal?[] numbers = [d?.ModelRatio, d?.CompletionRatio, d?.CacheRatio, d?.CacheWriteRatio, d?.GroupRatio, d?.Price, d?.InputPricePer1M, d?.OutputPricePer1M];
        foreach (var number in numbers)
            line.Append(Invariant, $"{number},");
        Field(line, d?.UsageSource).Append(',');
        return line.Append(d?.Completed switch { true => "true", false => "false", null => "" }).ToString();
    }

    public static void AppendRow(StringBuilder line, LogRecord r, string detailsFields)
    {
        line.Append(Invariant, $"{r.Id},");
        Field(line, r.RequestId).Append(Invariant, $",{DateTimeOffset.FromUnixTimeMilliseconds(r.TimeMs).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'},");
        Field(line, r.Type).Append(Invariant, $",{r.AccountId},");
        Field(line, r.TokenName).Append(',');
        Field(line, r.Grp).Append(',');
        Field(line, r.Model).Append(',');
        Field(line, r.Path).Append(Invariant, $",{r.Status},{(r.Stream ? "true" : "false")},{r.DurationMs},{r.FirstTokenMs},");
        line.Append(Invariant, $"{r.InputTokens},{r.OutputTokens},{r.CachedTokens},{r.CacheWriteTokens},{NanoUsd.ToUsd(r.SpendNano)},");
        Field(line, r.Ip).Append(',');
        Field(line, r.Message).Append(',').Append(detailsFields).Append("\r\n");
    }

    private static StringBuilder Field(StringBuilder line, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return line;
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            value = "'" + value;
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
            return line.Append(value);
        return line.Append('"').Append(value.Replace("\"", "\"\"")).Append('"');
    }
}
