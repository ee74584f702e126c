using System.Diagnostics;
using Metering.Logs;

namespace WriterBench;

/// <summary>Producers appending rows as requests do, each awaiting its row's commit before the next.</summary>
internal static class Producers
{
    /// <returns>The rows committed in the window; each commit's wait goes into <paramref name="waits"/> when it has a list per producer.</returns>
    public static async Task<long> RunAsync(TimeSpan duration, int producers, int keys, Func<LogRecord, Task<long>> append, List<double>[] waits)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var counts = new long[producers];
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                await append(Rows.Consume(p, counts[p], keys));
                if (waits.Length > 0)
                    waits[p].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                counts[p]++;
            }
        })));
        return counts.Sum();
    }

    /// <summary>The line both stores print: rows/s, commit wait p50/p99/max, CPU a row.</summary>
    public static string Summary(List<double>[] waits, long rows, TimeSpan elapsed, TimeSpan processCpu)
    {
        var all = waits.SelectMany(w => w).Order().ToArray();
        double P(double p) => all[Math.Min(all.Length - 1, (int)Math.Ceiling(p / 100 * all.Length) - 1)];
        return FormattableString.Invariant(
            $"rows={rows} rows_per_s={rows / elapsed.TotalSeconds:F0} wait_p50_ms={P(50):F2} wait_p99_ms={P(99):F2} max_ms={all[^1]:F1} process_cpu_us_per_row={processCpu.TotalMicroseconds / rows:F1}");
    }
}
