
namespace Metering.Storage.Aggregates;

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
/// up) and the partial hours (or days, for a family without hours) at either edge (from the log).
/// Every row of the range is counted once.
/// </summary>
internal static class LogSpanPlan
{
    /// <summary>The range when a query gives no start or end: unix epoch to year 10000.</summary>
    public const long Beginning = 0;
    public const long Forever = 253_402_300_800_000;

    /// <param name="hours">Whether hourly rollups exist (and may be used).</param>
    /// <param name="days">Whether daily rollups exist and may be used (not when grouping by hour).</param>
    public static IReadOnlyList<LogSource> Plan(long start, long end, bool hours, bool days)
    {
        var grain = hours ? RollupFamily.HourMs : RollupFamily.DayMs;
        var first = Ceiling(start, grain);
        var last = Floor(end, grain);
        if (first >= last || (!hours && !days))
            return [new LogSource(LogSourceKind.Raw, start, end)];
        var sources = new List<LogSource>();
        var firstDay = Ceiling(first, RollupFamily.DayMs);
        var lastDay = Floor(last, RollupFamily.DayMs);
        if (days && firstDay < lastDay)
        {
            sources.Add(new LogSource(LogSourceKind.Rollup, firstDay, lastDay, RollupFamily.DayMs));
            if (hours)
            {
                sources.Add(new LogSource(LogSourceKind.Rollup, first, firstDay, RollupFamily.HourMs));
                sources.Add(new LogSource(LogSourceKind.Rollup, lastDay, last, RollupFamily.HourMs));
            }
        }
        else
        {
            sources.Add(new LogSource(LogSourceKind.Rollup, first, last, grain));
        }
        sources.Add(new LogSource(LogSourceKind.Fresh, first, last));
        sources.Add(new LogSource(LogSourceKind.Raw, start, first));
        sources.Add(new LogSource(LogSourceKind.Raw, last, end));
        return sources.Where(s => s.StartMs < s.EndMs).ToList();
    }

    private static long Floor(long value, long grain) => value - (((value % grain) + grain) % grain);

    private static long Ceiling(long value, long grain) => Floor(value, grain) == value ? value : Floor(value, grain) + grain;
}
