using System.Threading.Channels;
using Metering.Storage.Sqlite.Engine;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Logs;

/// <summary>
/// Where a row lands first: <c>log_inbox</c>, in the ledger's file, a table with no index but its id,
/// so the commit a response waits for writes two pages (the inbox leaf, the account) instead of seven
/// (the log's leaf and its five index leaves). Rows move to <c>logs</c>, in the log's own file, in id
/// order: in the background soon after they land (<see cref="RunMoverAsync"/>), before any read of the
/// log (<see cref="SqliteLogReader"/>), and when the store shuts down. A move copies chunks of rows on
/// the log file's writer (<see cref="LogFileWriter"/>), whose lock no request waits on, then trims what
/// the log holds from the inbox in one small unit of the ledger's writer. The two files cannot commit
/// together: a crash between copy and trim leaves rows in both, and the next move copies only rows
/// above the log's newest id and trims the rest, so each row is in the log exactly once. The log always
/// holds an id prefix of the rows (what the rollup watermarks rely on), because the inbox's ids follow
/// the log's and move oldest first.
/// </summary>
public sealed class LogInbox(IWriteQueue writer, LogFileWriter logFile, LogInboxSignal signal) : IAsyncDisposable
{
    /// <summary>Rows one copy transaction takes at most (a few milliseconds of the log file's writer).</summary>
    public const int MoveChunkRows = 1024;

    /// <summary>How long the mover lets rows gather after the first lands: fewer, bigger moves under load.</summary>
    public static readonly TimeSpan DefaultGatherTime = TimeSpan.FromMilliseconds(50);

    // Moves begun and not yet finished; raised before a move clears the signal (see MoveBeforeReadAsync).
    private int _movesInFlight;

    // The inbox holds no row at or below this id (every trim up to here committed): 0 at start, so the first
    // move trims what a crash between copy and trim left behind.
    private long _trimmedUpTo;

    /// <summary>
    /// Moves every row in the inbox to the log. Every row committed before the call is in the log when it
    /// completes, and gone from the inbox. Returns the rows copied to the log.
    /// </summary>
    public async Task<long> MoveAllAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _movesInFlight);
        // Cleared before the copies begin: a row landing from here on signals again.
        signal.Clear();
        long total = 0, logHoldsUpTo;
        int copied;
        try
        {
            do
            {
                (copied, logHoldsUpTo) = await logFile.RunAsync((connection, _) => LogInboxMoveCommand.For(connection).Copy(MoveChunkRows), cancellationToken);
                total += copied;
            }
            while (copied == MoveChunkRows);
            if (logHoldsUpTo > Volatile.Read(ref _trimmedUpTo))
            {
                await writer.ExecuteOnWriterThreadAsync((connection, _) => LogInboxMoveCommand.For(connection).Trim(logHoldsUpTo), cancellationToken);
                InterlockedMax(ref _trimmedUpTo, logHoldsUpTo);
            }
        }
        catch
        {
            // The rows are still waiting: the mover must try again even if no other row lands.
            signal.Raise();
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _movesInFlight);
        }
        return total;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        for (var seen = Volatile.Read(ref target); seen < value; seen = Volatile.Read(ref target))
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
                return;
    }

    /// <summary>
    /// For a read: moves what is waiting, so the read sees every row committed before it. A read must
    /// not depend on the store being writable: while it is failing, or when the move fails (a locked
    /// store fails it after the busy timeout), the read goes ahead on the log as it is, and the rows in
    /// the inbox show once they move.
    /// </summary>
    public async Task MoveBeforeReadAsync(CancellationToken cancellationToken = default)
    {
        if (!writer.IsHealthy || NothingWaiting())
            return;
        var move = MoveAllAsync(cancellationToken);
        // A writer that turns unhealthy holds queued work until the store recovers: do not wait for that.
        while (!move.IsCompleted && writer.IsHealthy)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.WhenAny(move, Task.Delay(HealthCheckInterval, cancellationToken));
        }
        try
        {
            if (move.IsCompleted)
                await move;
        }
        catch (SqliteException)
        {
        }
        if (!move.IsCompleted)
            _ = move.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
    }

    private static readonly TimeSpan HealthCheckInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// No row landed since the last move began, and that move has finished: every committed row is in the
    /// log, and a read need not queue a move behind the writer's work. Read in this order: a row committed
    /// before the read raised the signal; a move that cleared it since raised <c>_movesInFlight</c> first
    /// and lowers it only once its units (queued after that row's) have run.
    /// </summary>
    private bool NothingWaiting() => !signal.IsRaised && Volatile.Read(ref _movesInFlight) == 0;

    /// <summary>
    /// The background mover: waits for a row to land, lets more gather for <paramref name="gatherTime"/>,
    /// moves them all; until cancelled. Idle costs nothing: no timer runs while no row lands.
    /// </summary>
    public async Task RunMoverAsync(TimeSpan gatherTime, CancellationToken cancellationToken)
    {
        while (true)
        {
            await signal.WaitAsync(cancellationToken);
            await Task.Delay(gatherTime, cancellationToken);
            await MoveAllAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Moves what is left when the store shuts down (the container disposes this before the writer,
    /// which it depends on), so a stopped gateway's log is complete in <c>logs</c>. Skipped when the
    /// store is failing: the rows stay durable in the inbox and move at the next start.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!writer.IsRunning || !writer.IsHealthy)
            return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await MoveAllAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException or SqliteException)
        {
        }
    }
}
