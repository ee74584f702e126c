namespace Metering.Storage;

/// <summary>
/// Fixed latency buckets, so p50/p95 can be merged from hourly and daily rollups as well as raw rows.
/// Columns <c>d00..d23</c> (duration) and <c>f00..f23</c> (first token) count the rows per bucket;
/// a percentile is interpolated inside its bucket and clamped to the group's min and max.
/// </summary>
public static class LatencyHistogram
{
    /// <summary>
    /// Upper bounds in milliseconds (exclusive) of buckets 0..22; bucket 23 is everything above.
    /// Frozen: rollup rows already stored were counted with these bounds.
    /// </summary>
    public static readonly long[] Bounds =
        [10, 25, 50, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 7500, 10000, 15000, 20000, 30000, 60000, 120000];

    public static int BucketCount => Bounds.Length + 1;

    public static string Column(char metric, int bucket) => $"{metric}{bucket:00}";

    /// <summary>The SQL test that puts <paramref name="column"/> into <paramref name="bucket"/> (NULL when the value is).</summary>
    public static string BucketTest(string column, int bucket) => bucket switch
    {
        0 => $"({column} < {Bounds[0]})",
        _ when bucket == Bounds.Length => $"({column} >= {Bounds[^1]})",
        _ => $"({column} >= {Bounds[bucket - 1]} AND {column} < {Bounds[bucket]})",
    };

    /// <summary>
    /// The value at quantile <paramref name="q"/> (0..1] by nearest rank, linearly interpolated inside its
    /// bucket; null when no row has a value.
    /// </summary>
    public static long? Percentile(IReadOnlyList<long> counts, long? min, long? max, double q)
    {
        var total = counts.Sum();
        if (total == 0 || min is null || max is null)
            return null;
        var rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long before = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (before + counts[i] < rank)
            {
                before += counts[i];
                continue;
            }
            var low = Math.Max(i == 0 ? min.Value : Bounds[i - 1], min.Value);
            var high = Math.Min(i == Bounds.Length ? max.Value : Bounds[i], max.Value);
            // Rank r of n in the bucket sits at (r - 0.5) / n of its width: one row lands mid-bucket.
            var fraction = (rank - before - 0.5) / counts[i];
            return (long)Math.Round(low + (high - low) * fraction, MidpointRounding.AwayFromZero);
        }
        return max;
    }
}
