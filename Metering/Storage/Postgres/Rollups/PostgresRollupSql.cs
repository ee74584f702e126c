using Metering.Storage.Aggregates;

namespace Metering.Storage.Postgres.Rollups;

/// <summary>
/// The one statement that folds the next log rows into every rollup table and moves the watermark:
/// the rows <c>(last_id, last_id + @maxRows]</c>, no further than the last committed id, read once and
/// grouped per table in the server. One statement is one snapshot and one transaction: a reader sees
/// the tables and the watermark move together, and the watermark row's lock (taken with SKIP LOCKED)
/// lets one instance at a time fold, the others skip.
/// </summary>
internal static class PostgresRollupSql
{
    /// <summary>Every dimension of any family, in a fixed order (declared first: <see cref="CatchUp"/> is built from it).</summary>
    private static readonly string[] AllDimensions = RollupFamily.All.SelectMany(f => f.Dimensions).Distinct().ToArray();

    public static readonly string CatchUp = Build();

    private static string Build()
    {
        var tables = RollupFamily.All.SelectMany(f => f.Grains.Select(g => Upsert(f, g))).Select((sql, i) => $"t{i} AS ({sql})");
        return $"""
            WITH state AS (SELECT last_id FROM log_rollup_state FOR UPDATE SKIP LOCKED),
            span AS (
                -- GREATEST: a watermark moved by another instance after this statement's snapshot never goes back.
                SELECT s.last_id AS from_id, GREATEST(s.last_id, LEAST(s.last_id + @maxRows, c.last_id)) AS to_id
                FROM state s, log_id_counter c),
            -- The rows grouped once, by hour and every dimension: each rollup table then sums these few groups.
            -- Grouped per table from the rows themselves, every row went through the ~50 histogram tests once a
            -- table, seven times: 14-15 us a row against 5.6-5.8 grouped once (WriterBench's rollup mode on
            -- PostgreSQL over 200 keys, docs/BENCHMARKS.md).
            fine AS MATERIALIZED (
                SELECT l.time_ms / {RollupFamily.HourMs} * {RollupFamily.HourMs} AS hour_ms, {string.Join(", ", AllDimensions.Select(FineDimension))},
                    {string.Join(", ", RowAggregates())}
                FROM logs l, span WHERE l.id > span.from_id AND l.id <= span.to_id
                GROUP BY {string.Join(", ", Enumerable.Range(1, AllDimensions.Length + 1))}),
            {string.Join(",\n", tables)}
            UPDATE log_rollup_state SET last_id = span.to_id FROM span RETURNING span.to_id - span.from_id
            """;
    }

    private static string Upsert(RollupFamily family, long grainMs)
    {
        var dimensions = string.Join(", ", family.Dimensions);
        var measures = Measures().ToList();
        var sums = RollupColumns.Additive.Concat(RollupColumns.Histogram().Select(c => c.Name)).Select(c => $"{c} = t.{c} + excluded.{c}");
        // LEAST and GREATEST skip NULLs: a side without values never wins.
        var extremes = RollupColumns.Extremes.Select(c => $"{c} = {(IsMin(c) ? "LEAST" : "GREATEST")}(t.{c}, excluded.{c})");
        return $"""
            INSERT INTO {family.Table(grainMs)} AS t (bucket_ms, {dimensions}, {string.Join(", ", measures)})
            SELECT hour_ms / {grainMs} * {grainMs}, {dimensions}, {string.Join(", ", measures.Select(Merge))}
            FROM fine GROUP BY 1, {string.Join(", ", Enumerable.Range(2, family.Dimensions.Length))}
            ON CONFLICT (bucket_ms, {dimensions}) DO UPDATE SET {string.Join(", ", sums.Concat(extremes))}
            """;
    }

    private static IEnumerable<string> Measures() =>
        RollupColumns.Additive.Concat(RollupColumns.Extremes).Concat(RollupColumns.Histogram().Select(c => c.Name));

    private static bool IsMin(string column) => column.EndsWith("_min");

    // Groups of groups: counts and sums add up, extremes keep the extreme. ::bigint because SUM over bigint is numeric.
    private static string Merge(string measure) =>
        RollupColumns.Extremes.Contains(measure) ? $"{(IsMin(measure) ? "MIN" : "MAX")}({measure})" : $"SUM({measure})::bigint";

    // A row without an account (refused before its key was known) counts under account 0, as in SQLite.
    private static string FineDimension(string column) => column == "account_id" ? "COALESCE(l.account_id, 0) AS account_id" : $"l.{column}";

    /// <summary>The measures of one group of log rows, named as the rollup tables' columns.</summary>
    private static IEnumerable<string> RowAggregates() =>
        new[]
        {
            "COUNT(*) AS requests", "SUM(l.spend_nano) AS spend_nano", "SUM(l.input_tokens) AS input_tokens",
            "SUM(l.output_tokens) AS output_tokens", "SUM(l.cached_tokens) AS cached_tokens", "SUM(l.cache_write_tokens) AS cache_write_tokens",
            "MIN(l.duration_ms) AS duration_min", "MAX(l.duration_ms) AS duration_max",
            "MIN(l.first_token_ms) AS first_token_min", "MAX(l.first_token_ms) AS first_token_max",
        }.Concat(RollupColumns.Histogram().Select(c => $"COUNT(*) FILTER (WHERE {c.Test}) AS {c.Name}"));
}
