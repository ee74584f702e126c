using Metering.Storage.Aggregates;
namespace Metering.Storage.Sqlite.Rollups;

/// <summary>
/// The measures of one rollup row, summed in memory; the same sums, extremes and latency buckets the
/// rollup tables hold (see <see cref="RollupBuilder"/>), in the order of their columns.
/// </summary>
internal sealed class RollupAccumulator
{
    public long Requests;
    public long SpendNano;
    public long InputTokens;
    public long OutputTokens;
    public long CachedTokens;
    public long CacheWriteTokens;
    public long? DurationMin;
    public long? DurationMax;
    public long? FirstTokenMin;
    public long? FirstTokenMax;
    public readonly long[] Histogram = new long[2 * LatencyHistogram.BucketCount];

    public void Add(in RollupRow row)
    {
        Requests++;
        SpendNano += row.SpendNano;
        InputTokens += row.InputTokens;
        OutputTokens += row.OutputTokens;
        CachedTokens += row.CachedTokens;
        CacheWriteTokens += row.CacheWriteTokens;
        if (row.DurationMs is { } duration)
        {
            DurationMin = Math.Min(DurationMin ?? duration, duration);
            DurationMax = Math.Max(DurationMax ?? duration, duration);
            Histogram[Bucket(duration)]++;
        }
        if (row.FirstTokenMs is { } firstToken)
        {
            FirstTokenMin = Math.Min(FirstTokenMin ?? firstToken, firstToken);
            FirstTokenMax = Math.Max(FirstTokenMax ?? firstToken, firstToken);
            Histogram[LatencyHistogram.BucketCount + Bucket(firstToken)]++;
        }
    }

    /// <summary>The bucket <see cref="LatencyHistogram.BucketTest"/> puts a value in: the first bound above it, else the last.</summary>
    internal static int Bucket(long valueMs)
    {
        var bounds = LatencyHistogram.Bounds;
        for (var i = 0; i < bounds.Length; i++)
            if (valueMs < bounds[i])
                return i;
        return bounds.Length;
    }
}
