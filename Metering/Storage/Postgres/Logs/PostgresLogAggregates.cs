using Dapper;
using Npgsql;

namespace Metering.Storage.Postgres.Logs;

/// <summary>
/// Sums, counts and grouped latencies over the log, read from the rows themselves. Percentiles come
/// from the same fixed buckets as SQLite's (<see cref="LatencyHistogram"/>), so both stores answer the
/// same figures for the same rows.
/// </summary>
internal static class PostgresLogAggregates
{
    public static async Task<LogTotals> TotalsAsync(NpgsqlConnection connection, LogQuery query) =>
        (await ReadAsync(connection, query, LogGrouping.None))[0].Totals;

    public static async Task<IReadOnlyList<LogGroupStats>> ReadAsync(NpgsqlConnection connection, LogQuery query, LogGrouping grouping)
    {
        var parameters = new DynamicParameters();
        var sql = Build(query, grouping, parameters);
        await using var reader = await connection.ExecuteReaderAsync(sql, parameters);
        var result = new List<LogGroupStats>();
        while (await reader.ReadAsync())
            result.Add(LogGroupRows.Read(reader, grouping));
        return result;
    }

    private static string Build(LogQuery query, LogGrouping grouping, DynamicParameters parameters)
    {
        var key = grouping switch
        {
            LogGrouping.Model => "model",
            LogGrouping.TokenName => "token_name",
            LogGrouping.Group => "grp",
            LogGrouping.Hour => $"time_ms / {HourMs} * {HourMs}",
            LogGrouping.Day => $"time_ms / {DayMs} * {DayMs}",
            _ => "NULL::text",
        };
        var histogram = new[] { ('d', "duration_ms"), ('f', "first_token_ms") }
            .SelectMany(m => Enumerable.Range(0, LatencyHistogram.BucketCount).Select(i => $"COUNT(*) FILTER (WHERE {LatencyHistogram.BucketTest(m.Item2, i)})"));
        return $"""
            SELECT {key} AS g, COUNT(*), SUM(spend_nano)::bigint, SUM(input_tokens)::bigint, SUM(output_tokens)::bigint,
                MIN(duration_ms), MAX(duration_ms), MIN(first_token_ms), MAX(first_token_ms), {string.Join(", ", histogram)}
            FROM logs {PostgresLogSql.Where(query, parameters)}
            """ + (grouping == LogGrouping.None ? "" : " GROUP BY g ORDER BY g");
    }

    private const long HourMs = 3_600_000;
    private const long DayMs = 86_400_000;
}
