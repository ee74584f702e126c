using System.Data.Common;

namespace Metering.Storage;

/// <summary>
/// Reads one line of an aggregate read in the layout both stores answer: the group's value, requests,
/// spend, input and output tokens, duration and first-token min and max, then the
/// <see cref="LatencyHistogram"/> counts of both. Percentiles are estimated from the buckets alone, so
/// every store answers the same figures for the same rows.
/// </summary>
internal static class LogGroupRows
{
    /// <summary>The column of the first duration bucket; the first-token buckets follow the duration ones.</summary>
    public const int FirstHistogramColumn = 9;

    public static LogGroupStats Read(DbDataReader reader, LogGrouping grouping)
    {
        long Long(int i) => reader.IsDBNull(i) ? 0 : reader.GetInt64(i);
        long? Nullable(int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
        var time = grouping is LogGrouping.Hour or LogGrouping.Day;
        var buckets = LatencyHistogram.BucketCount;
        var durations = Enumerable.Range(FirstHistogramColumn, buckets).Select(Long).ToArray();
        var firstTokens = Enumerable.Range(FirstHistogramColumn + buckets, buckets).Select(Long).ToArray();
        return new LogGroupStats(
            time || reader.IsDBNull(0) ? null : reader.GetString(0),
            time ? Nullable(0) : null,
            new LogTotals(Long(1), Long(2), Long(3), Long(4)),
            Summarize(durations, Nullable(5), Nullable(6)),
            Summarize(firstTokens, Nullable(7), Nullable(8)));
    }

    private static LatencySummary Summarize(long[] counts, long? min, long? max) =>
        new(LatencyHistogram.Percentile(counts, min, max, 0.50), LatencyHistogram.Percentile(counts, min, max, 0.95));
}
