using System.Runtime.InteropServices;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting.Jobs;

/// <summary>
/// Gives memory back to the OS once the gateway goes quiet after work (issue 6: RSS back down after
/// load). The GC runs only when something allocates, so after a burst the gen0 budget it last committed,
/// gen1's floating garbage and the regions it freed stay resident for as long as the gateway idles
/// (measured: the GC heap held 30-46 MB committed for ~10 MB live; docs/BENCHMARKS.md, Memory). A tokenizer
/// loaded for a cut-short stream is not among what it gives back: it stays loaded (see TokenCounter).
/// Activity is read from the process's allocation counter, so nothing is added to the request path.
/// </summary>
internal sealed partial class IdleMemoryTrimmer(TimeProvider clock, IOptions<GatewayOptions> options, ILogger<IdleMemoryTrimmer> logger) : BackgroundService
{
    /// <summary>How often the allocation counter is read.</summary>
    internal static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(10);

    /// <summary>A period with less allocation than this is quiet: health checks and a metrics scrape stay under it.</summary>
    internal const long QuietBelowBytes = 1 << 20;

    /// <summary>Work since the last trim before another is worth a full GC (~1,000 requests at ~66 KB each).</summary>
    internal const long WorkSinceTrimBytes = 64 << 20;

    /// <summary>Whether the last period was quiet.</summary>
    internal static bool IsQuiet(long allocated, long allocatedLastCheck) => allocated - allocatedLastCheck < QuietBelowBytes;

    /// <summary>Trim when quiet and enough was allocated since the last trim.</summary>
    internal static bool ShouldTrim(long allocated, long allocatedAtLastTrim) => allocated - allocatedAtLastTrim >= WorkSinceTrimBytes;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.TrimMemoryWhenIdle)
            return;
        using var timer = new PeriodicTimer(CheckEvery, clock);
        var lastCheck = GC.GetTotalAllocatedBytes();
        var atLastTrim = lastCheck;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var allocated = GC.GetTotalAllocatedBytes();
                if (IsQuiet(allocated, lastCheck) && ShouldTrim(allocated, atLastTrim))
                {
                    Trim();
                    atLastTrim = GC.GetTotalAllocatedBytes();
                }

                lastCheck = GC.GetTotalAllocatedBytes();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Trim()
    {
        var before = Environment.WorkingSet;
        // Aggressive: a blocking compacting full GC that also decommits the free regions it keeps in reserve.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var native = TrimNativeHeap();
        LogTrimmed(logger, before >> 20, Environment.WorkingSet >> 20, native);
    }

    // glibc keeps freed malloc memory (SQLite's statements and page-cache growth, the runtime's own) in its
    // arenas; malloc_trim hands whole free pages back. Not glibc (musl, macOS): nothing to do.
    private static bool TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Idle: memory trimmed, working set {BeforeMb} -> {AfterMb} MB (native heap trimmed: {Native})")]
    private static partial void LogTrimmed(ILogger logger, long beforeMb, long afterMb, bool native);
}
