using System.Data.Common;
using Dapper;

namespace Metering.Storage.Aggregates;

/// <summary>Runs aggregate reads: counts, sums and grouped latencies, from rollups where they apply, on either store.</summary>
internal static class LogAggregates
{
    public static async Task<long> CountAsync(AggregateDialect dialect, DbConnection connection, DbTransaction? transaction, LogQuery query)
    {
        // Rollups remember rows that retention has since deleted; a page total counts only rows that
        // still exist, so rollups are used only from the oldest row on.
        var oldest = await connection.ExecuteScalarAsync<long?>("SELECT MIN(time_ms) FROM logs", transaction: transaction);
        if (oldest is null)
            return 0;
        var clamped = query with { StartMs = Math.Max(query.StartMs ?? LogSpanPlan.Beginning, oldest.Value) };
        var rows = await ReadAsync(dialect, connection, transaction, clamped, LogGrouping.None, LogMeasures.Count);
        return rows[0].Totals.Requests;
    }

    public static async Task<LogTotals> TotalsAsync(AggregateDialect dialect, DbConnection connection, LogQuery query, DbTransaction? transaction = null) =>
        (await ReadAsync(dialect, connection, transaction, query, LogGrouping.None, LogMeasures.Totals))[0].Totals;

    public static async Task<IReadOnlyList<LogGroupStats>> GroupAsync(AggregateDialect dialect, DbConnection connection, LogQuery query, LogGrouping grouping,
        DbTransaction? transaction = null) =>
        await ReadAsync(dialect, connection, transaction, query, grouping, LogMeasures.Latency);

    private static async Task<IReadOnlyList<LogGroupStats>> ReadAsync(AggregateDialect dialect, DbConnection connection, DbTransaction? transaction,
        LogQuery query, LogGrouping grouping, LogMeasures measures)
    {
        var start = query.StartMs ?? LogSpanPlan.Beginning;
        var end = query.EndMs ?? LogSpanPlan.Forever;
        var family = RollupFamily.For(FilterColumns(query).Concat(GroupColumn(grouping)), needsHours: grouping == LogGrouping.Hour);
        var sources = end <= start ? []
            : family is null ? [new LogSource(LogSourceKind.Raw, start, end)]
            : LogSpanPlan.Plan(start, end, hours: family.HasHours, days: grouping != LogGrouping.Hour);
        if (sources.Count == 0)
            return grouping == LogGrouping.None ? [Empty] : [];

        var parameters = new DynamicParameters();
        var sql = LogAggregateSql.Build(dialect, query, grouping, measures, family, sources, parameters);
        await using var reader = await connection.ExecuteReaderAsync(sql, parameters, transaction);
        var result = new List<LogGroupStats>();
        while (await reader.ReadAsync())
            result.Add(ReadRow(reader, grouping, measures));
        return result.Count == 0 && grouping == LogGrouping.None ? [Empty] : result;
    }

    /// <summary>The columns the query filters on (besides time).</summary>
    private static IEnumerable<string> FilterColumns(LogQuery query) =>
        LogColumns.Filters.Where(f => f.Value(query) is not null).Select(f => f.Column).Distinct();

    private static readonly LogGroupStats Empty = new(null, null, LogTotals.Zero, new(null, null), new(null, null));

    private static IEnumerable<string> GroupColumn(LogGrouping grouping) => grouping switch
    {
        LogGrouping.Model => ["model"],
        LogGrouping.TokenName => ["token_name"],
        LogGrouping.Group => ["grp"],
        _ => [],
    };

    private static LogGroupStats ReadRow(DbDataReader reader, LogGrouping grouping, LogMeasures measures)
    {
        if (measures == LogMeasures.Latency)
            return LogGroupRows.Read(reader, grouping);
        long Long(int i) => reader.IsDBNull(i) ? 0 : reader.GetInt64(i);
        var totals = measures == LogMeasures.Count
            ? new LogTotals(Long(1), 0, 0, 0)
            : new LogTotals(Long(1), Long(2), Long(3), Long(4));
        return new LogGroupStats(null, null, totals, Empty.Duration, Empty.FirstToken);
    }
}
