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
            -- Only the columns the rollups read: never the rows' messages and details.
            chunk AS MATERIALIZED (
                SELECT l.time_ms, l.type, l.account_id, l.token_name, l.grp, l.model, l.spend_nano, l.input_tokens, l.output_tokens,
                       l.cached_tokens, l.cache_write_tokens, l.duration_ms, l.first_token_ms
                FROM logs l, span WHERE l.id > span.from_id AND l.id <= span.to_id),
            {string.Join(",\n", tables)}
            UPDATE log_rollup_state SET last_id = span.to_id FROM span RETURNING span.to_id - span.from_id
            """;
    }

    private static string Upsert(RollupFamily family, long grainMs)
    {
        var dimensions = string.Join(", ", family.Dimensions);
        var measures = RollupColumns.Additive.Concat(RollupColumns.Extremes).Concat(RollupColumns.Histogram().Select(c => c.Name));
        var sums = RollupColumns.Additive.Concat(RollupColumns.Histogram().Select(c => c.Name)).Select(c => $"{c} = t.{c} + excluded.{c}");
        // LEAST and GREATEST skip NULLs: a side without values never wins.
        var extremes = RollupColumns.Extremes.Select(c => $"{c} = {(c.EndsWith("_min") ? "LEAST" : "GREATEST")}(t.{c}, excluded.{c})");
        return $"""
            INSERT INTO {family.Table(grainMs)} AS t (bucket_ms, {dimensions}, {string.Join(", ", measures)})
            SELECT time_ms / {grainMs} * {grainMs}, {string.Join(", ", family.Dimensions.Select(Dimension))}, {string.Join(", ", Aggregates())}
            FROM chunk GROUP BY 1, {string.Join(", ", Enumerable.Range(2, family.Dimensions.Length))}
            ON CONFLICT (bucket_ms, {dimensions}) DO UPDATE SET {string.Join(", ", sums.Concat(extremes))}
            """;
    }

    // A row without an account (refused before its key was known) counts under account 0, as in SQLite.
    private static string Dimension(string column) => column == "account_id" ? "COALESCE(account_id, 0)" : column;

    private static IEnumerable<string> Aggregates() =>
        new[]
        {
            "COUNT(*)", "SUM(spend_nano)", "SUM(input_tokens)", "SUM(output_tokens)", "SUM(cached_tokens)", "SUM(cache_write_tokens)",
            "MIN(duration_ms)", "MAX(duration_ms)", "MIN(first_token_ms)", "MAX(first_token_ms)",
        }.Concat(RollupColumns.Histogram().Select(c => $"COUNT(*) FILTER (WHERE {c.Test})"));
}
