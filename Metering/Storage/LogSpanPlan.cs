namespace Metering.Storage;

internal enum LogSourceKind
{
    /// <summary>Rollup rows of one grain whose bucket starts in the span.</summary>
    Rollup,

    /// <summary>Log rows whose time is in the span.</summary>
    Raw,

    /// <summary>Log rows in the span not yet in the rollups (id above the watermark).</summary>
    Fresh,
}

/// <summary>One piece of a time range and where its rows are counted from.</summary>
internal sealed record LogSource(LogSourceKind Kind, long StartMs, long EndMs, long GrainMs = 0);

/// <summary>
/// Splits [start, end) into whole days and whole hours (from the rollups, plus the rows not yet rolled
/// up) and the partial hours at either edge (from the log). Every row of the range is counted once.
/// </summary>
internal static class LogSpanPlan
{
    /// <summary>The range when a query gives no start or end: unix epoch to year 10000.</summary>
    public const long Beginning = 0;
    public const long Forever = 253_402_300_800_000;

    public static IReadOnlyList<LogSource> Plan(long start, long end, bool useDays)
    {
        var sources = new List<LogSource>();
        var firstHour = Ceiling(start, RollupFamily.HourMs);
        var lastHour = Floor(end, RollupFamily.HourMs);
        if (firstHour >= lastHour)
        {
            sources.Add(new LogSource(LogSourceKind.Raw, start, end));
            return sources;
        }
        var firstDay = Ceiling(firstHour, RollupFamily.DayMs);
        var lastDay = Floor(lastHour, RollupFamily.DayMs);
        if (useDays && firstDay < lastDay)
        {
            sources.Add(new LogSource(LogSourceKind.Rollup, firstDay, lastDay, RollupFamily.DayMs));
            sources.Add(new LogSource(LogSourceKind.Rollup, firstHour, firstDay, RollupFamily.HourMs));
            sources.Add(new LogSource(LogSourceKind.Rollup, lastDay, lastHour, RollupFamily.HourMs));
        }
        else
        {
            sources.Add(new LogSource(LogSourceKind.Rollup, firstHour, lastHour, RollupFamily.HourMs));
        }
        sources.Add(new LogSource(LogSourceKind.Fresh, firstHour, lastHour));
        sources.Add(new LogSource(LogSourceKind.Raw, start, firstHour));
        sources.Add(new LogSource(LogSourceKind.Raw, lastHour, end));
        return sources.Where(s => s.StartMs < s.EndMs).ToList();
    }

    private static long Floor(long value, long grain) => value - (((value % grain) + grain) % grain);

    private static long Ceiling(long value, long grain) => Floor(value, grain) == value ? value : Floor(value, grain) + grain;
}
