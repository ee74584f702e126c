namespace Metering.Ledger;

/// <summary>The span a key's budget covers (SPEC §13): its whole life, a UTC day, or a UTC calendar month.</summary>
public enum BudgetPeriod { Total, Daily, Monthly }

/// <summary>Where periods start and end, in unix-ms UTC. A key's spend is kept per UTC day; the other periods are sums of days.</summary>
public static class BudgetPeriods
{
    public const long DayMs = 86_400_000;

    /// <summary>The wire names, as the admin API takes and shows them.</summary>
    public static readonly string[] Names = ["total", "daily", "monthly"];

    public static string Name(BudgetPeriod period) => Names[(int)period];

    public static bool TryParse(string? name, out BudgetPeriod period)
    {
        var index = Array.IndexOf(Names, name);
        period = index < 0 ? default : (BudgetPeriod)index;
        return index >= 0;
    }

    /// <summary>The UTC midnight on or before <paramref name="unixMs"/>.</summary>
    public static long DayStart(long unixMs) => unixMs - (((unixMs % DayMs) + DayMs) % DayMs);

    /// <summary>The first UTC midnight of the month that holds <paramref name="unixMs"/>.</summary>
    public static long MonthStart(long unixMs)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(unixMs);
        return new DateTimeOffset(at.Year, at.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    }

    public static long NextMonthStart(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(MonthStart(unixMs)).AddMonths(1).ToUnixTimeMilliseconds();

    /// <summary>The period holding <paramref name="nowMs"/>: start inclusive, end exclusive; both null for <see cref="BudgetPeriod.Total"/>.</summary>
    public static (long? StartMs, long? EndMs) Bounds(BudgetPeriod period, long nowMs) => period switch
    {
        BudgetPeriod.Daily => (DayStart(nowMs), DayStart(nowMs) + DayMs),
        BudgetPeriod.Monthly => (MonthStart(nowMs), NextMonthStart(nowMs)),
        _ => (null, null),
    };
}
