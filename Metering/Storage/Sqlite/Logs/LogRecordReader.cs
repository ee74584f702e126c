using System.Data.Common;
using System.Globalization;
using Metering.Logs;

namespace Metering.Storage.Sqlite.Logs;

/// <summary>
/// Reads exported rows. Each column read costs native calls (type check, value), and a row has 22:
/// the export spent most of its time there. So SQLite packs the twelve integers into one text column,
/// <see cref="Columns"/>, which is split here; the strings stay columns of their own.
/// </summary>
internal static class LogRecordReader
{
    // A NULL integer packs as an empty field.
    public const string Columns = """
        id || ',' || time_ms || ',' || ifnull(account_id, '') || ',' || ifnull(key_id, '') || ',' || status || ',' ||
        stream || ',' || ifnull(duration_ms, '') || ',' || ifnull(first_token_ms, '') || ',' || input_tokens || ',' ||
        output_tokens || ',' || cached_tokens || ',' || cache_write_tokens || ',' || spend_nano,
        request_id, type, token_name, grp, model, path, ip, message, details
        """;

    public static LogRecord Read(DbDataReader r)
    {
        var packed = r.GetString(0).AsSpan();
        Span<Range> at = stackalloc Range[13];
        packed.Split(at, ',');
        return new LogRecord
        {
            Id = Long(packed[at[0]]),
            TimeMs = Long(packed[at[1]]),
            AccountId = Nullable(packed[at[2]]),
            KeyId = Nullable(packed[at[3]]),
            Status = (int)Long(packed[at[4]]),
            Stream = Long(packed[at[5]]) != 0,
            DurationMs = Nullable(packed[at[6]]),
            FirstTokenMs = Nullable(packed[at[7]]),
            InputTokens = Long(packed[at[8]]),
            OutputTokens = Long(packed[at[9]]),
            CachedTokens = Long(packed[at[10]]),
            CacheWriteTokens = Long(packed[at[11]]),
            SpendNano = Long(packed[at[12]]),
            RequestId = r.GetString(1),
            Type = r.GetString(2),
            TokenName = r.GetString(3),
            Grp = r.GetString(4),
            Model = r.GetString(5),
            Path = r.GetString(6),
            Ip = r.IsDBNull(7) ? null : r.GetString(7),
            Message = r.IsDBNull(8) ? null : r.GetString(8),
            Details = r.IsDBNull(9) ? null : r.GetString(9),
        };
    }

    private static long Long(ReadOnlySpan<char> field) => long.Parse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static long? Nullable(ReadOnlySpan<char> field) => field.IsEmpty ? null : Long(field);
}
