using Metering.Storage.Aggregates;

namespace Metering.Storage.Postgres.Rollups;

/// <summary>
/// The one statement that folds the next log rows into every rollup table and moves the watermark, read
/// once and grouped in the server. One statement is one snapshot and one transaction: a reader sees the
/// tables and the watermark move together, and the watermark row's lock (taken with SKIP LOCKED) lets
/// one instance at a time fold, the others skip.
///
/// How far it may go. Row ids come from a sequence, whose values commit in any order: id 100 may still
/// be in flight when 101 is committed, so the highest committed id is no watermark (100 would be skipped
/// for good). Every writer transaction holds its transaction id (xid) before it takes a row id (it
/// records its batch first, see <see cref="Logs.PendingRows"/>), and xids are handed out in time order.
/// So: read the sequence's last value L (every id handed out so far), then take an xid X. Every id up to
/// L belongs to a transaction whose xid is below X. Once the oldest transaction still running is past X
/// (the snapshot's xmin), those have all ended: the ids up to L are final, committed or never to be.
/// The pair (L, X) is the horizon kept beside the watermark; a fold moves the watermark up to the
/// horizon once it has passed, and, once there, sets the next horizon: the L its caller read before the
/// statement (<c>@candidate</c>) and the statement's own xid, taken by its FOR UPDATE after that read.
/// Rows thus reach the rollups two folds after they commit; the query API adds the rows above the
/// watermark from the log itself, so its answers do not wait. A transaction left open anywhere in the
/// cluster holds the horizon back until it ends (the answers stay exact, the rollups wait).
/// </summary>
internal static class PostgresRollupSql
{
    /// <summary>Every dimension of any family, in a fixed order (declared first: <see cref="CatchUp"/> is built from it).</summary>
    private static readonly string[] AllDimensions = RollupFamily.All.SelectMany(f => f.Dimensions).Distinct().ToArray();

    public static readonly string CatchUp = Build();

    /// <summary>The last row id handed out (0 before the first): read before the fold statement takes its xid.</summary>
    public const string LastHandedOut = "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM log_id_seq";

    private static string Build()
    {
        var tables = RollupFamily.All.SelectMany(f => f.Grains.Select(g => Upsert(f, g))).Select((sql, i) => $"t{i} AS ({sql})");
        return $"""
            WITH state AS (
                SELECT last_id, horizon_id, horizon_xid < pg_snapshot_xmin(pg_current_snapshot()) AS settled
                FROM log_rollup_state FOR UPDATE SKIP LOCKED),
            span AS (
                -- GREATEST: a horizon set below the watermark (a candidate read before another instance folded) never moves it back.
                SELECT last_id AS from_id, horizon_id, settled,
                    CASE WHEN settled THEN GREATEST(last_id, LEAST(last_id + @maxRows, horizon_id)) ELSE last_id END AS to_id
                FROM state),
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
            UPDATE log_rollup_state SET last_id = span.to_id,
                horizon_id = CASE WHEN span.settled AND span.to_id >= span.horizon_id THEN GREATEST(@candidate, span.to_id) ELSE span.horizon_id END,
                horizon_xid = CASE WHEN span.settled AND span.to_id >= span.horizon_id THEN pg_current_xact_id() ELSE log_rollup_state.horizon_xid END
            FROM span RETURNING span.to_id - span.from_id AS Covered, span.to_id AS LastId, NOT span.settled AS Waiting
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
