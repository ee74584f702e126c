using Metering.Pricing;

namespace Gateway.Tests.Metering.Pricing;

public class NanoUsdTests
{
    [Theory]
    [InlineData("0.000000001", 1)]
    [InlineData("1.5", 1_500_000_000)]
    [InlineData("-0.25", -250_000_000)]
    [InlineData("12345.678901234", 12_345_678_901_234)]
    public void FromUsd_ToUsd_RoundTripsExactly(string usd, long nano)
    {
        NanoUsd.FromUsd(decimal.Parse(usd)).Should().Be(new NanoUsd(nano));
        NanoUsd.ToUsd(nano).Should().Be(decimal.Parse(usd));
    }

    [Theory]
    [InlineData("0.0000000005", 1)]    // half a nano rounds away from zero
    [InlineData("-0.0000000005", -1)]
    [InlineData("0.0000000004", 0)]
    [InlineData("0.0000000015", 2)]    // not to even
    public void FromUsd_HalfANano_RoundsAwayFromZero(string usd, long nano)
    {
        NanoUsd.FromUsd(decimal.Parse(usd)).Value.Should().Be(nano);
    }

    [Fact]
    public void Compare_ByAmount()
    {
        (new NanoUsd(1) > NanoUsd.Zero).Should().BeTrue();
        new NanoUsd(0).IsPositive.Should().BeFalse();
        (new NanoUsd(5) - new NanoUsd(7)).Should().Be(new NanoUsd(-2));
    }
}
