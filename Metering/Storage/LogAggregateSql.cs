using Dapper;

namespace Metering.Storage;

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
    public const int FirstHistogramColumn = 9;

    public static string Build(LogQuery query, LogGrouping grouping, LogMeasures measures, RollupFamily? family,
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
                _ => $"logs WHERE id > (SELECT last_id FROM log_rollup_state) AND +time_ms >= @s{i} AND +time_ms < @e{i}",
            };
            var conditions = LogFilterSql.Conditions(query, parameters, noIndex: source.Kind == LogSourceKind.Fresh);
            var key = KeyExpression(grouping, source);
            return $"SELECT {key} AS g, {string.Join(", ", ArmColumns(measures, rollup))} FROM {from}{conditions}"
                + (grouping == LogGrouping.None ? "" : " GROUP BY g");
        });
        return $"SELECT g, {string.Join(", ", MergeColumns(measures))} FROM ({string.Join("\nUNION ALL ", arms)})"
            + (grouping == LogGrouping.None ? "" : " GROUP BY g");
    }

    private static string KeyExpression(LogGrouping grouping, LogSource source)
    {
        var time = source.Kind == LogSourceKind.Rollup ? "bucket_ms" : "time_ms";
        return grouping switch
        {
            LogGrouping.Model => "model",
            LogGrouping.TokenName => "token_name",
            LogGrouping.Group => "grp",
            LogGrouping.Hour when source.GrainMs == RollupFamily.HourMs => time,
            LogGrouping.Hour => $"{time} / {RollupFamily.HourMs} * {RollupFamily.HourMs}",
            LogGrouping.Day when source.GrainMs == RollupFamily.DayMs => time,
            LogGrouping.Day => $"{time} / {RollupFamily.DayMs} * {RollupFamily.DayMs}",
            _ => "NULL",
        };
    }

    private static IEnumerable<string> ArmColumns(LogMeasures measures, bool rollup)
    {
        yield return rollup ? "SUM(requests) AS n" : "COUNT(*) AS n";
        if (measures == LogMeasures.Count)
            yield break;
        yield return "SUM(spend_nano) AS spend";
        yield return "SUM(input_tokens) AS tin";
        yield return "SUM(output_tokens) AS tout";
        if (measures != LogMeasures.Latency)
            yield break;
        yield return rollup ? "MIN(duration_min) AS dmin" : "MIN(duration_ms) AS dmin";
        yield return rollup ? "MAX(duration_max) AS dmax" : "MAX(duration_ms) AS dmax";
        yield return rollup ? "MIN(first_token_min) AS fmin" : "MIN(first_token_ms) AS fmin";
        yield return rollup ? "MAX(first_token_max) AS fmax" : "MAX(first_token_ms) AS fmax";
        foreach (var (name, test) in RollupBuilder.HistogramColumns())
            yield return rollup ? $"SUM({name}) AS {name}" : $"COUNT(*) FILTER (WHERE {test}) AS {name}";
    }

    private static IEnumerable<string> MergeColumns(LogMeasures measures)
    {
        yield return "SUM(n)";
        if (measures == LogMeasures.Count)
            yield break;
        yield return "SUM(spend)";
        yield return "SUM(tin)";
        yield return "SUM(tout)";
        if (measures != LogMeasures.Latency)
            yield break;
        yield return "MIN(dmin)";
        yield return "MAX(dmax)";
        yield return "MIN(fmin)";
        yield return "MAX(fmax)";
        foreach (var (name, _) in RollupBuilder.HistogramColumns())
            yield return $"SUM({name})";
    }
}
