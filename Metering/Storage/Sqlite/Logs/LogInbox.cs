using System.Threading.Channels;
using Metering.Storage.Sqlite.Engine;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Logs;

/// <summary>
/// Where a row lands first: <c>log_inbox</c>, a table with no index but its id, so the commit a
/// response waits for writes two pages (the inbox leaf, the account) instead of seven (the log's leaf
/// and its five index leaves). Rows move to <c>logs</c> in id order, in writer units of
/// <see cref="MoveChunkRows"/> rows that grow while the inbox is behind (request commits interleave
/// with a long move): in the background soon after they land (<see cref="RunMoverAsync"/>), before any read of the log
/// (<see cref="SqliteLogReader"/>), and when the store shuts down. A move is one transaction, insert into the
/// log and delete from the inbox, so a crash leaves each row in exactly one of the two tables; rows a
/// crash left in the inbox move at the next start. The log always holds an id prefix of the rows (what
/// the rollup watermarks rely on), because the inbox's ids follow the log's and move oldest first.
/// </summary>
public sealed class LogInbox(IWriteQueue writer, LogInboxSignal signal) : IAsyncDisposable
{
    /// <summary>Rows the first writer unit of a move takes at most: a couple of milliseconds of the writer's time.</summary>
    public const int MoveChunkRows = 256;

    /// <summary>
    /// Rows a unit takes at most while the inbox is behind (each full unit doubles the next): twice a
    /// writer batch of appends (512 units), so the mover outpaces any load; 10-25 ms of the writer's time.
    /// </summary>
    public const int MaxMoveChunkRows = 1024;

    /// <summary>How long the mover lets rows gather after the first lands: fewer, bigger moves under load.</summary>
    public static readonly TimeSpan DefaultGatherTime = TimeSpan.FromMilliseconds(50);

    // Moves begun and not yet finished; raised before a move clears the signal (see MoveBeforeReadAsync).
    private int _movesInFlight;

    /// <summary>
    /// Moves every row in the inbox to the log. Every row committed before the call is in the log when it
    /// completes. Returns the rows moved.
    /// </summary>
    public async Task<long> MoveAllAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _movesInFlight);
        // Cleared before the moves are queued: a row landing from here on signals again.
        signal.Clear();
        long total = 0;
        int chunk = MoveChunkRows, size;
        long moved;
        try
        {
            do
            {
                size = chunk;
                moved = await writer.ExecuteOnWriterThreadAsync((connection, _) => LogInboxMoveCommand.For(connection).Move(size), cancellationToken);
                total += moved;
                // A full chunk means rows land faster than one chunk a commit moves them (one move unit runs per
                // batch, beside up to a batch of appends): double it, so the inbox cannot grow without bound.
                chunk = Math.Min(size * 2, MaxMoveChunkRows);
            }
            while (moved == size);
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
