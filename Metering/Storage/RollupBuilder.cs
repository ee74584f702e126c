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
    private static readonly string[] Additive = ["requests", "spend_nano", "input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens"];
    private static readonly string[] Extremes = ["duration_min", "duration_max", "first_token_min", "first_token_max"];

    /// <summary>Rolls up at most <paramref name="maxRows"/> ids past the watermark; returns how many ids it covered.</summary>
    public static long Step(SqliteConnection connection, SqliteTransaction transaction, long maxRows)
    {
        var from = Watermark(connection, transaction);
        var newest = connection.ExecuteScalar<long?>("SELECT MAX(id) FROM logs", transaction: transaction) ?? from;
        var to = Math.Min(newest, from + maxRows);
        if (to <= from)
            return 0;
        foreach (var family in RollupFamily.All)
        {
            // The batch is aggregated once, at the family's finest grain, into a scratch table; every
            // grain is merged from it.
            var scratch = $"temp.rollup_batch_{family.Name}";
            connection.Execute($"CREATE TEMP TABLE IF NOT EXISTS rollup_batch_{family.Name} AS SELECT * FROM {family.Table(family.FinestGrainMs)} WHERE 0", transaction: transaction);
            connection.Execute($"DELETE FROM {scratch}", transaction: transaction);
            connection.Execute(AggregateSql(family, scratch), new { from, to }, transaction);
            foreach (var grain in family.Grains)
                connection.Execute(MergeSql(family, scratch, grain), transaction: transaction);
        }
        connection.Execute("UPDATE log_rollup_state SET last_id = @to", new { to }, transaction);
        return to - from;
    }

    /// <summary>The id up to which rows are in the rollups.</summary>
    public static long Watermark(SqliteConnection connection, SqliteTransaction? transaction = null) =>
        connection.ExecuteScalar<long>("SELECT last_id FROM log_rollup_state", transaction: transaction);

    /// <summary>The histogram columns with the raw-row test that counts into each.</summary>
    internal static IEnumerable<(string Name, string Test)> HistogramColumns() =>
        new[] { ('d', "duration_ms"), ('f', "first_token_ms") }.SelectMany(m =>
            Enumerable.Range(0, LatencyHistogram.BucketCount).Select(i =>
                (LatencyHistogram.Column(m.Item1, i), LatencyHistogram.BucketTest(m.Item2, i))));

    private static string Columns(RollupFamily family) =>
        string.Join(", ", new[] { "bucket_ms" }.Concat(family.Dimensions).Concat(Additive).Concat(Extremes).Concat(HistogramColumns().Select(c => c.Name)));

    private static string AggregateSql(RollupFamily family, string scratch)
    {
        // A row without an account (none are written today) is kept under account 0, which no account has.
        var dims = string.Join(", ", family.Dimensions.Select(d => d == "account_id" ? "COALESCE(account_id, 0)" : d));
        // FILTER skips the aggregate step for the 47 buckets a row is not in: far cheaper than SUM(test).
        var histogram = string.Join(", ", HistogramColumns().Select(c => $"COUNT(*) FILTER (WHERE {c.Test})"));
        return $"""
            INSERT INTO {scratch} ({Columns(family)})
            SELECT time_ms / {family.FinestGrainMs} * {family.FinestGrainMs}, {dims}, COUNT(*), SUM(spend_nano), SUM(input_tokens),
                SUM(output_tokens), SUM(cached_tokens), SUM(cache_write_tokens),
                MIN(duration_ms), MAX(duration_ms), MIN(first_token_ms), MAX(first_token_ms), {histogram}
            FROM logs WHERE id > @from AND id <= @to
            GROUP BY 1, {string.Join(", ", family.Dimensions)}
            """;
    }

    private static string MergeSql(RollupFamily family, string scratch, long grainMs)
    {
        var dims = string.Join(", ", family.Dimensions);
        var sums = Additive.Concat(HistogramColumns().Select(c => c.Name)).ToList();
        // The scratch rows are already one per bucket and dimensions at the finest grain; coarser ones group again.
        var select = grainMs == family.FinestGrainMs
            ? $"SELECT {Columns(family)} FROM {scratch} WHERE true"
            : $"""
                SELECT bucket_ms / {grainMs} * {grainMs}, {dims}, {string.Join(", ", sums.Take(Additive.Length).Select(c => $"SUM({c})"))},
                    MIN(duration_min), MAX(duration_max), MIN(first_token_min), MAX(first_token_max),
                    {string.Join(", ", sums.Skip(Additive.Length).Select(c => $"SUM({c})"))}
                FROM {scratch} WHERE true
                GROUP BY 1, {dims}
                """;
        return $"""
            INSERT INTO {family.Table(grainMs)} ({Columns(family)})
            {select}
            ON CONFLICT (bucket_ms, {dims}) DO UPDATE SET {string.Join(", ", sums.Select(c => $"{c} = {c} + excluded.{c}"))},
                {Extreme("duration_min", "MIN")}, {Extreme("duration_max", "MAX")},
                {Extreme("first_token_min", "MIN")}, {Extreme("first_token_max", "MAX")}
            """;
    }

    // SQLite's two-argument MIN/MAX return NULL when either side is NULL; a side without values must not win.
    private static string Extreme(string column, string function) =>
        $"{column} = {function}(COALESCE({column}, excluded.{column}), COALESCE(excluded.{column}, {column}))";
}
