/// <summary>
/// CPU time rather than wall time, so a figure survives other work on the same cores: the whole
/// process's, and the writer thread's (found by its name in /proc, Linux only; null elsewhere or
/// when the writer runs on pool threads).
/// </summary>
internal static class CpuClock
{
    private const string WriterThreadName = "ledger-writer";

    public static TimeSpan Process() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>The writer thread's CPU time, all and in the kernel (system calls: the WAL's writes, fsyncs).</summary>
    public static (TimeSpan All, TimeSpan Kernel)? WriterThread()
    {
        if (!Directory.Exists("/proc/self/task"))
            return null;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != WriterThreadName)
                    continue;
                // Fields 14 and 15 of stat (after the parenthesised name): user and system time in clock ticks.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var (user, kernel) = (long.Parse(fields[11]), long.Parse(fields[12]));
                return (Ticks(user + kernel), Ticks(kernel));
            }
            catch (IOException)
            {
            }
        }
        return null;
    }

    private static TimeSpan Ticks(long ticks) => TimeSpan.FromSeconds(ticks / 100.0);   // USER_HZ is 100 on Linux
}
