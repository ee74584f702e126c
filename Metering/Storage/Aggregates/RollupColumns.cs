namespace Metering.Storage.Aggregates;

/// <summary>The measure columns of every rollup table, in their order, on both stores.</summary>
internal static class RollupColumns
{
    /// <summary>Summed when rollup rows merge.</summary>
    public static readonly string[] Additive = ["requests", "spend_nano", "input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens"];

    /// <summary>Kept as the smaller or larger of the two when rollup rows merge.</summary>
    public static readonly string[] Extremes = ["duration_min", "duration_max", "first_token_min", "first_token_max"];

    /// <summary>The histogram columns with the raw-row test that counts into each.</summary>
    public static IEnumerable<(string Name, string Test)> Histogram() =>
        new[] { ('d', "duration_ms"), ('f', "first_token_ms") }.SelectMany(m =>
            Enumerable.Range(0, LatencyHistogram.BucketCount).Select(i =>
                (LatencyHistogram.Column(m.Item1, i), LatencyHistogram.BucketTest(m.Item2, i))));
}
