using Dapper;

namespace Metering.Storage.Aggregates;

/// <summary>What an aggregate read computes.</summary>
internal enum LogMeasures
{
    /// <summary>Row count only (the <c>total</c> of a page).</summary>
    Count,

    /// <summary>Requests, spend and tokens.</summary>
    Totals,

    /// <summary>Totals plus the latency histograms behind p50/p95.</summary>
    Latency,
}

/// <summary>
/// Builds one SQL statement that aggregates a query over the sources of a <see cref="LogSpanPlan"/>:
/// each source aggregates itself (rollup rows stream in bucket order), the outer query merges them.
/// One statement reads one snapshot, so rollups and the watermark always agree.
/// </summary>
internal static class LogAggregateSql
{
    // Output columns: g, n, spend, tin, tout, then for Latency dmin, dmax, fmin, fmax and the histogram.
    public const int FirstHistogramColumn = LogGroupRows.FirstHistogramColumn;

    public static string Build(AggregateDialect dialect, LogQuery query, LogGrouping grouping, LogMeasures measures, RollupFamily? family,
        IReadOnlyList<LogSource> sources, DynamicParameters parameters)
    {
        var arms = sources.Select((source, i) =>
        {
            parameters.Add($"s{i}", source.StartMs);
            parameters.Add($"e{i}", source.EndMs);
            var rollup = source.Kind == LogSourceKind.Rollup;
            var from = source.Kind switch
            {
                LogSourceKind.Rollup => $"{family!.Table(source.GrainMs)} WHERE bucket_ms >= @s{i} AND bucket_ms < @e{i}",
                LogSourceKind.Raw => $"logs WHERE time_ms >= @s{i} AND time_ms < @e{i}",
                // Few rows sit above the watermark: walk them by id rather than through any index.
                _ => $"logs WHERE {dialect.NotRolledUp(family)} AND {dialect.NoIndex}time_ms >= @s{i} AND {dialect.NoIndex}time_ms < @e{i}",
            };
            var conditions = dialect.Conditions(query, parameters, noIndex: source.Kind == LogSourceKind.Fresh);
            var key = KeyExpression(dialect, grouping, source);
            return $"SELECT {key} AS g, {string.Join(", ", ArmColumns(measures, rollup))} FROM {from}{conditions}"
                + (grouping == LogGrouping.None ? "" : " GROUP BY g");
        });
        // Without grouping there is no g to name: PostgreSQL refuses a bare column beside aggregates.
        var group = grouping == LogGrouping.None ? "NULL" : "g";
        return $"SELECT {group}, {string.Join(", ", MergeColumns(dialect, measures))} FROM ({string.Join("\nUNION ALL ", arms)}) AS arms"
            + (grouping == LogGrouping.None ? "" : " GROUP BY g");
    }

    private static string KeyExpression(AggregateDialect dialect, LogGrouping grouping, LogSource source)
    {
        var time = source.Kind == LogSourceKind.Rollup ? "bucket_ms" : "time_ms";
        // On the log, "+column": SQLite would otherwise walk that column's whole index to skip the
        // GROUP BY sort, ignoring the narrow time or id range the WHERE clause allows.
        var column = source.Kind == LogSourceKind.Rollup ? "" : dialect.NoIndex;
        return grouping switch
        {
            LogGrouping.Model => column + "model",
            LogGrouping.TokenName => column + "token_name",
            LogGrouping.Group => column + "grp",
            LogGrouping.Hour when source.GrainMs == RollupFamily.HourMs => time,
            LogGrouping.Hour => $"{time} / {RollupFamily.HourMs} * {RollupFamily.HourMs}",
            LogGrouping.Day when source.GrainMs == RollupFamily.DayMs => time,
            LogGrouping.Day => $"{time} / {RollupFamily.DayMs} * {RollupFamily.DayMs}",
            _ => "NULL",
        };
    }

    /// <summary>A measured column: its alias, how a rollup arm and a raw arm compute it, and how arms merge.</summary>
    private sealed record Measure(string Alias, string FromRollup, string FromRaw, string Merge, LogMeasures Needs);

    private static readonly Measure[] All =
    [
        new("n", "SUM(requests)", "COUNT(*)", "SUM", LogMeasures.Count),
        new("spend", "SUM(spend_nano)", "SUM(spend_nano)", "SUM", LogMeasures.Totals),
        new("tin", "SUM(input_tokens)", "SUM(input_tokens)", "SUM", LogMeasures.Totals),
        new("tout", "SUM(output_tokens)", "SUM(output_tokens)", "SUM", LogMeasures.Totals),
        new("dmin", "MIN(duration_min)", "MIN(duration_ms)", "MIN", LogMeasures.Latency),
        new("dmax", "MAX(duration_max)", "MAX(duration_ms)", "MAX", LogMeasures.Latency),
        new("fmin", "MIN(first_token_min)", "MIN(first_token_ms)", "MIN", LogMeasures.Latency),
        new("fmax", "MAX(first_token_max)", "MAX(first_token_ms)", "MAX", LogMeasures.Latency),
        .. RollupColumns.Histogram().Select(c => new Measure(c.Name, $"SUM({c.Name})", $"COUNT(*) FILTER (WHERE {c.Test})", "SUM", LogMeasures.Latency)),
    ];

    private static IEnumerable<string> ArmColumns(LogMeasures measures, bool rollup) =>
        All.Where(m => m.Needs <= measures).Select(m => $"{(rollup ? m.FromRollup : m.FromRaw)} AS {m.Alias}");

    private static IEnumerable<string> MergeColumns(AggregateDialect dialect, LogMeasures measures) =>
        All.Where(m => m.Needs <= measures).Select(m => dialect.Merge(m.Merge, m.Alias));
}
