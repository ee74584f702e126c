using Dapper;
using Microsoft.Data.Sqlite;

namespace Metering.Storage;

/// <summary>
/// Folds log rows into the rollup tables by id: rows with ids up to <c>log_rollup_state.last_id</c> are
/// counted there exactly once, whatever their time. Runs as a unit of the single writer, in small
/// steps, so it never holds the database for long; readers add the rows above the watermark themselves.
/// </summary>
public static class RollupBuilder
{
    /// <summary>Rolls up at most <paramref name="maxRows"/> ids past the watermark; returns how many ids it covered.</summary>
    public static long Step(SqliteConnection connection, SqliteTransaction transaction, long maxRows)
    {
        var from = connection.ExecuteScalar<long>("SELECT last_id FROM log_rollup_state", transaction: transaction);
        var newest = connection.ExecuteScalar<long?>("SELECT MAX(id) FROM logs", transaction: transaction) ?? from;
        var to = Math.Min(newest, from + maxRows);
        if (to <= from)
            return 0;
        foreach (var family in RollupFamily.All)
            foreach (var grain in (long[])[RollupFamily.HourMs, RollupFamily.DayMs])
                connection.Execute(UpsertSql(family, grain), new { from, to }, transaction);
        connection.Execute("UPDATE log_rollup_state SET last_id = @to", new { to }, transaction);
        return to - from;
    }

    /// <summary>The id up to which rows are in the rollups.</summary>
    public static long Watermark(SqliteConnection connection, SqliteTransaction? transaction = null) =>
        connection.ExecuteScalar<long>("SELECT last_id FROM log_rollup_state", transaction: transaction);

    private static string UpsertSql(RollupFamily family, long grainMs)
    {
        var dims = string.Join(", ", family.Dimensions);
        // A row without an account (none are written today) is kept under account 0, which no account has.
        var selectDims = dims.Replace("account_id", "COALESCE(account_id, 0)");
        var histogram = HistogramColumns();
        var sums = string.Join(", ", histogram.Select(c => $"SUM({c.Test} IS 1)"));
        var added = string.Join(", ", Additive.Concat(histogram.Select(c => c.Name)).Select(c => $"{c} = {c} + excluded.{c}"));
        return $"""
            INSERT INTO {family.Table(grainMs)} (bucket_ms, {dims}, {string.Join(", ", Additive)},
                duration_min, duration_max, first_token_min, first_token_max, {string.Join(", ", histogram.Select(c => c.Name))})
            SELECT time_ms / {grainMs} * {grainMs}, {selectDims}, COUNT(*), SUM(spend_nano), SUM(input_tokens), SUM(output_tokens),
                SUM(cached_tokens), SUM(cache_write_tokens), MIN(duration_ms), MAX(duration_ms), MIN(first_token_ms), MAX(first_token_ms), {sums}
            FROM logs WHERE id > @from AND id <= @to
            GROUP BY 1, {dims}
            ON CONFLICT (bucket_ms, {dims}) DO UPDATE SET {added},
                {Extreme("duration_min", "MIN")}, {Extreme("duration_max", "MAX")},
                {Extreme("first_token_min", "MIN")}, {Extreme("first_token_max", "MAX")}
            """;
    }

    private static readonly string[] Additive = ["requests", "spend_nano", "input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens"];

    // SQLite's two-argument MIN/MAX return NULL when either side is NULL; a side without values must not win.
    private static string Extreme(string column, string function) =>
        $"{column} = {function}(COALESCE({column}, excluded.{column}), COALESCE(excluded.{column}, {column}))";

    /// <summary>The histogram columns with the raw-row test that counts into each.</summary>
    internal static IEnumerable<(string Name, string Test)> HistogramColumns() =>
        new[] { ('d', "duration_ms"), ('f', "first_token_ms") }.SelectMany(m =>
            Enumerable.Range(0, LatencyHistogram.BucketCount).Select(i =>
                (LatencyHistogram.Column(m.Item1, i), LatencyHistogram.BucketTest(m.Item2, i))));
}
