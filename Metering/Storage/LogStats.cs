namespace Metering.Storage;

/// <summary>Sums over a set of rows. Money in nano-USD.</summary>
public sealed record LogTotals(long Requests, long SpendNano, long InputTokens, long OutputTokens)
{
    public static readonly LogTotals Zero = new(0, 0, 0, 0);
}

/// <summary>Estimated percentiles of a latency, in milliseconds; null when no row has a value.</summary>
public sealed record LatencySummary(long? P50, long? P95);

/// <summary>
/// One line of a grouped read: the group's value (<see cref="Key"/> for model, token name and group;
/// <see cref="BucketMs"/>, the start of the hour or UTC day, for time groupings), its sums and latencies.
/// </summary>
public sealed record LogGroupStats(string? Key, long? BucketMs, LogTotals Totals, LatencySummary Duration, LatencySummary FirstToken);

/// <summary>The overview of a range: sums over the range and rates over the last minute (say which in the answer).</summary>
public sealed record LogStats(LogTotals Range, LogTotals LastMinute);
