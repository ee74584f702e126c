namespace Metering.Storage;

/// <summary>The store's start-up and health: what the host calls before traffic and from <c>/healthz</c>.</summary>
public interface IStoreEngine
{
    /// <summary>Creates or migrates the schema; before the writer starts.</summary>
    void Migrate();

    /// <summary>Throws when the store does not answer a read.</summary>
    Task PingAsync(CancellationToken cancellationToken = default);
}

/// <summary>The store's own background work, as operations the host's jobs call on their schedule.</summary>
public interface IStoreMaintenance
{
    /// <summary>Carries freshly appended rows on to where reads find them, until cancelled (returns only by failing).</summary>
    Task RunLogMoverAsync(CancellationToken cancellationToken);

    /// <summary>Carries every appended row on now; returns how many moved.</summary>
    Task<long> MoveLogsAsync(CancellationToken cancellationToken = default);

    /// <summary>Brings the rollups up to the newest row, <paramref name="maxLogRowsPerChunk"/> rows a chunk; returns the ids covered.</summary>
    Task<long> RollUpAsync(int maxLogRowsPerChunk, CancellationToken cancellationToken = default);

    /// <summary>
    /// Log row ids above the rollups' watermark: rows that stats and <c>group_by</c> read from the log itself
    /// (on PostgreSQL, ids handed out to batches still in flight too).
    /// </summary>
    Task<long> RollupLagAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes up to <paramref name="batchRows"/> rolled-up rows older than <paramref name="cutoffMs"/>; returns how many.</summary>
    Task<long> DeleteLogsBeforeAsync(long cutoffMs, int batchRows, CancellationToken cancellationToken = default);

    /// <summary>Copies committed writes into the store's main file without blocking the writer (a no-op where there is none).</summary>
    Task CheckpointAsync(CancellationToken cancellationToken = default);
}
