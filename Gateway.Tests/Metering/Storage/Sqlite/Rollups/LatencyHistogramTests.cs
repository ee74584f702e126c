using Metering.Storage.Aggregates;
using Metering.Storage;
using Metering.Storage.Sqlite.Rollups;

namespace Gateway.Tests.Metering.Storage.Sqlite.Rollups;

public class LatencyHistogramTests
{
    [Theory]
    [InlineData(new long[] { 800 }, 0.5, 800)]
    [InlineData(new long[] { 800, 800, 800 }, 0.95, 800)]
    [InlineData(new long[] { 5, 7 }, 0.5, 6)]
    [InlineData(new long[] { 100, 5_000_000 }, 0.95, 2_560_000)]
    public void Percentile_KnownValues_ClampedToMinAndMaxAndInterpolated(long[] values, double q, long expected)
    {
        Estimate(values, q).Should().BeCloseTo(expected, 10_000);
    }

    [Fact]
    public void Percentile_NoValues_Null()
    {
        LatencyHistogram.Percentile(new long[LatencyHistogram.BucketCount], null, null, 0.5).Should().BeNull();
    }

    [Theory]
    [InlineData(0.50)]
    [InlineData(0.95)]
    public void Percentile_SpreadValues_WithinTheBucketOfTheExactValue(double q)
    {
        var random = new Random(2);
        for (var trial = 0; trial < 200; trial++)
        {
            var values = Enumerable.Range(0, 1 + random.Next(500)).Select(_ => (long)Math.Exp(random.NextDouble() * 12)).Order().ToArray();
            var exact = values[Math.Max(0, (int)Math.Ceiling(q * values.Length) - 1)];
            var bucket = LatencyHistogram.Bounds.Count(b => exact >= b);
            var low = bucket == 0 ? values[0] : LatencyHistogram.Bounds[bucket - 1];
            var high = bucket == LatencyHistogram.Bounds.Length ? values[^1] : LatencyHistogram.Bounds[bucket];

            Estimate(values, q).Should().BeInRange(Math.Max(low, values[0]), Math.Min(high, values[^1]));
        }
    }

    private static long Estimate(long[] values, double q)
    {
        var counts = new long[LatencyHistogram.BucketCount];
        foreach (var v in values)
            counts[LatencyHistogram.Bounds.Count(b => v >= b)]++;
        return LatencyHistogram.Percentile(counts, values.Min(), values.Max(), q)!.Value;
    }
}
