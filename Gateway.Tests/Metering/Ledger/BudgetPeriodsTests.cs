using Metering.Ledger;

namespace Gateway.Tests.Metering.Ledger;

public class BudgetPeriodsTests
{
    private static long Ms(string utc) => DateTimeOffset.Parse(utc).ToUnixTimeMilliseconds();

    [Theory]
    [InlineData("2026-12-02T19:43:00Z", "daily", "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z")]
    [InlineData("2026-12-31T23:59:59.999Z", "monthly", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("2028-02-29T12:00:00Z", "monthly", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z")]
    [InlineData("2026-03-01T00:00:00Z", "daily", "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z")]
    public void Bounds_UtcDayAndMonth_StartInclusiveEndExclusive(string now, string period, string start, string end)
    {
        BudgetPeriods.TryParse(period, out var parsed).Should().BeTrue();

        BudgetPeriods.Bounds(parsed, Ms(now)).Should().Be((Ms(start), Ms(end)));
    }

    [Fact]
    public void Bounds_Total_None()
    {
        BudgetPeriods.Bounds(BudgetPeriod.Total, Ms("2026-12-02T00:00:00Z")).Should().Be(((long?)null, (long?)null));
        BudgetPeriods.TryParse("weekly", out _).Should().BeFalse();
    }

    [Fact]
    public void KeySpendPlus_RowOfAnotherDayOrMonth_OnlyInTheSumsThatHoldIt()
    {
        var day = Ms("2026-12-02T00:00:00Z");
        var spend = new KeySpend(day, Day: 10, Month: 100, Total: 1000, LoadedMs: 0);

        var sameDay = spend.Plus(day, 5);
        var earlierDaySameMonth = spend.Plus(Ms("2026-12-01T00:00:00Z"), 5);
        var lastMonth = spend.Plus(Ms("2026-11-30T00:00:00Z"), 5);

        (sameDay.Day, sameDay.Month, sameDay.Total).Should().Be((15, 105, 1005));
        (earlierDaySameMonth.Day, earlierDaySameMonth.Month, earlierDaySameMonth.Total).Should().Be((10, 105, 1005));
        (lastMonth.Day, lastMonth.Month, lastMonth.Total).Should().Be((10, 100, 1005));
        sameDay.In(BudgetPeriod.Daily).Should().Be(15);
    }
}
