using Gateway.Hosting.Jobs;

namespace Gateway.Tests.Gateway.Hosting.Jobs;

public class IdleMemoryTrimmerTests
{
    private const long Mb = 1 << 20;

    [Theory]
    [InlineData(500 * Mb, 500 * Mb, true)]        // nothing since the last check
    [InlineData(500 * Mb + Mb / 2, 500 * Mb, true)] // a metrics scrape
    [InlineData(500 * Mb, 400 * Mb, false)]       // serving
    public void IsQuiet_AllocationSinceLastCheck_UnderOneMegabyte(long allocated, long lastCheck, bool expected)
    {
        IdleMemoryTrimmer.IsQuiet(allocated, lastCheck).Should().Be(expected);
    }

    [Theory]
    [InlineData(500 * Mb, 100 * Mb, true)]   // 400 MB of work since the last trim
    [InlineData(164 * Mb, 100 * Mb, true)]   // exactly the threshold
    [InlineData(150 * Mb, 100 * Mb, false)]  // too little work for another full GC
    [InlineData(100 * Mb, 100 * Mb, false)]  // nothing since the last trim
    public void ShouldTrim_WorkSinceLastTrim_AtLeast64Megabytes(long allocated, long atLastTrim, bool expected)
    {
        IdleMemoryTrimmer.ShouldTrim(allocated, atLastTrim).Should().Be(expected);
    }
}
