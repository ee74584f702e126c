namespace Metering.Ledger;

/// <summary>
/// A key's committed spend, in nano-USD, as of the UTC day <see cref="DayMs"/>: that day's, its month's,
/// and all time's. <see cref="LoadedMs"/> is when it was read from the store (other instances spend too).
/// </summary>
public readonly record struct KeySpend(long DayMs, long Day, long Month, long Total, long LoadedMs)
{
    public long In(BudgetPeriod period) => period switch
    {
        BudgetPeriod.Daily => Day,
        BudgetPeriod.Monthly => Month,
        _ => Total,
    };

    /// <summary>This spend once a row of the UTC day <paramref name="rowDayMs"/> spent <paramref name="spendNano"/> more.</summary>
    public KeySpend Plus(long rowDayMs, long spendNano) => this with
    {
        Day = Day + (rowDayMs == DayMs ? spendNano : 0),
        Month = Month + (BudgetPeriods.MonthStart(rowDayMs) == BudgetPeriods.MonthStart(DayMs) ? spendNano : 0),
        Total = Total + spendNano,
    };
}
