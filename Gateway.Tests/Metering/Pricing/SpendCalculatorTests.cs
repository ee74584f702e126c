using Metering.Pricing;
using Metering.Usage;

namespace Gateway.Tests.Metering.Pricing;

public class SpendCalculatorTests
{
    [Theory]
    // input, output, cached, cacheWrite, modelRatio, completionRatio, cacheRatio, cacheWriteRatio, groupRatio, expected USD
    [InlineData(1_000_000, 0, 0, 0, "1", "1", "1", "1.25", "1", "2")]                       // ratio 1 = $2 per 1M input
    [InlineData(0, 1_000_000, 0, 0, "1", "4", "1", "1.25", "1", "8")]                       // completion ratio
    [InlineData(1000, 500, 0, 0, "0.075", "4", "0.5", "1.25", "1", "0.00045")]              // gpt-4o-mini: 1000×0.15/1M + 500×0.6/1M
    [InlineData(1000, 0, 400, 0, "1", "1", "0.5", "1.25", "1", "0.0016")]                   // cached reads at half price: (600 + 200)×2/1M
    [InlineData(1000, 0, 0, 400, "1", "1", "1", "1.25", "1", "0.0022")]                     // cache writes at 1.25: (600 + 500)×2/1M
    [InlineData(1000, 100, 300, 200, "1.5", "5", "0.1", "1.25", "1", "0.00384")]             // claude-sonnet-4: (500 + 30 + 250 + 500)×3/1M
    [InlineData(1_000_000, 0, 0, 0, "1", "1", "1", "1.25", "0.8", "1.6")]                   // group ratio
    [InlineData(1, 0, 0, 0, "0.075", "1", "1", "1.25", "1", "0.00000015")]                  // one token, exact
    [InlineData(1, 0, 0, 0, "0.00025", "1", "1", "1.25", "1", "0.000000001")]               // 5e-10 rounds half away from zero to 1e-9
    [InlineData(1, 0, 0, 0, "0.0002", "1", "1", "1.25", "1", "0")]                          // 4e-10 rounds down to 0
    [InlineData(3, 0, 0, 0, "0.000333333", "1", "1", "1.25", "3", "0.000000006")]            // 5.999994e-9 → 6e-9
    [InlineData(0, 0, 0, 0, "1", "1", "1", "1.25", "1", "0")]
    public void Calculate_TokenPricedModel_MatchesSpecFormula(
        long input, long output, long cached, long cacheWrite,
        string modelRatio, string completionRatio, string cacheRatio, string cacheWriteRatio, string groupRatio, string expected)
    {
        var price = new PriceSheet(decimal.Parse(modelRatio), decimal.Parse(completionRatio), decimal.Parse(cacheRatio),
            decimal.Parse(cacheWriteRatio), decimal.Parse(groupRatio));

        var spend = SpendCalculator.Calculate(new TokenUsage(input, output, cached, cacheWrite), price);

        spend.ToUsd().Should().Be(decimal.Parse(expected));
    }

    [Theory]
    [InlineData("0.04", "1", "0.04")]
    [InlineData("0.005", "0.8", "0.004")]
    [InlineData("0.0000000015", "1", "0.000000002")]  // rounded half away from zero at 1e-9
    public void Calculate_PerCallPrice_IgnoresTokens(string perCall, string groupRatio, string expected)
    {
        var price = PriceSheet.PerCall(decimal.Parse(perCall), decimal.Parse(groupRatio));

        SpendCalculator.Calculate(new TokenUsage(123_456, 789), price).ToUsd().Should().Be(decimal.Parse(expected));
    }

    [Fact]
    public void Calculate_MoreCachedThanInput_NeverNegative()
    {
        var spend = SpendCalculator.Calculate(new TokenUsage(10, 0, CachedTokens: 20), new PriceSheet(CacheRatio: 0.5m));

        spend.ToUsd().Should().Be(20 * 0.5m * 2m / 1_000_000m);
    }

    [Fact]
    public void PricesPer1M_FollowRatios()
    {
        var price = new PriceSheet(ModelRatio: 0.075m, CompletionRatio: 4m, GroupRatio: 0.8m);

        price.InputPricePer1M.Should().Be(0.12m);
        price.OutputPricePer1M.Should().Be(0.48m);
    }
}
