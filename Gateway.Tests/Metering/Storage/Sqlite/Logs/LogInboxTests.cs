using Dapper;
using Metering.Storage;
using Microsoft.Data.Sqlite;
using static Gateway.Tests.Metering.Storage.LogRows;
using Metering.Storage.Sqlite.Logs;
using Metering.Storage.Sqlite.Engine;

namespace Gateway.Tests.Metering.Storage.Sqlite.Logs;

/// <summary>
/// Rows land in the inbox and move to the log in id order, in one transaction per chunk: a read sees
/// every row committed before it, ids stay the ones callers were given, and nothing is lost or doubled.
/// </summary>
public class LogInboxTests
{
    [Fact]
    public async Task Append_TheRowWaitsInTheInbox_AndAReadMovesItToTheLog()
    {
        await using var store = TempStore.Create();

        var id = await store.Ledger.AppendAsync(Row(T0, message: "hello"));

        (await CountsAsync(store)).Should().Be(Counts(log: 0, inbox: 1));
        (await store.Logs.GetAsync(id, accountScope: null))!.Message.Should().Be("hello");
        (await CountsAsync(store)).Should().Be(Counts(log: 1, inbox: 0));
    }

    [Fact]
    public async Task MoveAll_MoreRowsThanAChunk_MovesThemAllOnceUnderTheirIds()
    {
        await using var store = TempStore.Create();
        var rows = Enumerable.Range(0, 2 * LogInbox.MoveChunkRows + 7).Select(i => Row(T0 + i, message: $"row {i}")).ToList();
        var ids = await Task.WhenAll(rows.Select(r => store.Ledger.AppendAsync(r)));

        (await store.Inbox.MoveAllAsync()).Should().Be(rows.Count);

        (await CountsAsync(store)).Should().Be(Counts(log: rows.Count, inbox: 0));
        await using var connection = await store.Database.OpenAsync();
        var stored = (await connection.QueryAsync<(long Id, string Message)>("SELECT id, message FROM logs ORDER BY id")).ToArray();
        stored.Select(r => r.Id).Should().Equal(ids.Order());
        stored.Should().BeEquivalentTo(ids.Select((id, i) => (id, $"row {i}")));
    }

    [Fact]
    public async Task Append_AfterTheInboxEmptied_IdsKeepRisingAboveTheLog()
    {
        await using var store = TempStore.Create();
        var first = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => store.Ledger.AppendAsync(Row(T0 + i))));
        await store.Inbox.MoveAllAsync();

        var next = await store.Ledger.AppendAsync(Row(T0 + 10));

        next.Should().BeGreaterThan(first.Max());
        await store.Inbox.MoveAllAsync();
        (await CountsAsync(store)).Should().Be(Counts(log: 6, inbox: 0));
    }

    [Fact]
    public async Task MoveAll_TheLogFileIsLocked_BothTablesAreAsTheyWereAndTheNextMoveSucceeds()
    {
        await using var store = TempStore.Create(busyTimeoutMs: 200);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => store.Ledger.AppendAsync(Row(T0 + i))));

        await using (var locker = new SqliteConnection($"Data Source={store.Database.FilePath};Pooling=False"))
        {
            await locker.OpenAsync();
            await locker.ExecuteAsync("BEGIN EXCLUSIVE;");
            await store.Invoking(s => s.Inbox.MoveAllAsync()).Should().ThrowAsync<SqliteException>();
        }

        (await CountsAsync(store)).Should().Be(Counts(log: 0, inbox: 3));
        (await store.Inbox.MoveAllAsync()).Should().Be(3);
        (await CountsAsync(store)).Should().Be(Counts(log: 3, inbox: 0));
    }

    [Fact]
    public async Task MoveAll_APreviousRunCopiedButDidNotTrim_EachRowIsInTheLogOnceAndTheInboxEmpties()
    {
        await using var store = TempStore.Create();
        var ids = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => store.Ledger.AppendAsync(Row(T0 + i))));
        // The copy committed in the log's file; the process died before the ledger's trim.
        await store.LogFile.RunAsync((connection, _) => LogInboxMoveCommand.For(connection).Copy(3));
        (await CountsAsync(store)).Should().Be(Counts(log: 3, inbox: 5));

        var restarted = new LogInbox(store.Writer, store.LogFile, new LogInboxSignal());
        (await restarted.MoveAllAsync()).Should().Be(2, "the three rows the log holds are not copied again");

        (await CountsAsync(store)).Should().Be(Counts(log: 5, inbox: 0));
        await using var connection = await store.Database.OpenAsync();
        (await connection.QueryAsync<long>("SELECT id FROM logs ORDER BY id")).Should().Equal(ids.Order());
    }

    [Fact]
    public async Task Append_TheInboxIsToldOnlyOnceTheRowsBatchHasCommitted()
    {
        // Told inside the batch, a move could clear the signal and copy on a snapshot without the row, and a
        // read after the row's commit would then skip the move and miss it (seen once in CI as a lost row).
        await using var store = TempStore.Create();
        await store.Inbox.MoveAllAsync();
        store.Signal.IsRaised.Should().BeFalse();
        var raisedInsideTheBatch = true;

        await store.Writer.ExecuteAsync((connection, _) =>
        {
            store.Rows.Insert(connection, Row(T0));
            raisedInsideTheBatch = store.Signal.IsRaised;
            return 0;
        });

        raisedInsideTheBatch.Should().BeFalse("the row is not committed yet");
        store.Signal.IsRaised.Should().BeTrue("the row has committed");
    }

    [Fact]
    public async Task Append_TheLogFileIsLockedByBulkWork_TheRowCommitsWithoutWaitingForIt()
    {
        // A move, a rollup or a retention batch holds the log file's write lock; a request's commit takes
        // only the ledger's. With one file for both, this append waited for the lock (up to the busy timeout).
        await using var store = TempStore.Create(busyTimeoutMs: 30_000);
        await store.AppendAsync([Row(T0)]);
        await using var locker = new SqliteConnection($"Data Source={store.Database.FilePath};Pooling=False");
        await locker.OpenAsync();
        await locker.ExecuteAsync("BEGIN EXCLUSIVE;");

        var id = await store.Ledger.AppendAsync(Row(T0 + 1)).WaitAsync(TimeSpan.FromSeconds(10));

        id.Should().BeGreaterThan(0);
        await locker.ExecuteAsync("ROLLBACK;");
        (await store.Logs.GetAsync(id, accountScope: null)).Should().NotBeNull();
    }

    [Fact]
    public async Task Mover_RowsAPreviousRunLeft_MoveWithoutANewRowLanding()
    {
        await using var store = TempStore.Create();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => store.Ledger.AppendAsync(Row(T0 + i))));
        // A new process: a fresh inbox on the same file, no row appended through it.
        var restarted = new LogInbox(store.Writer, store.LogFile, new LogInboxSignal());
        using var stop = new CancellationTokenSource();

        var mover = restarted.RunMoverAsync(TimeSpan.Zero, stop.Token);

        (await WaitForAsync(store, counts => counts.Inbox == 0)).Should().Be(Counts(log: 4, inbox: 0));
        stop.Cancel();
        await mover.Invoking(m => m).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Mover_ARowLands_ItMovesWithoutARead()
    {
        await using var store = TempStore.Create();
        using var stop = new CancellationTokenSource();
        var mover = store.Inbox.RunMoverAsync(TimeSpan.FromMilliseconds(10), stop.Token);
        // The first row is moved by the pass every inbox starts with; only its own landing can move the second.
        await store.Ledger.AppendAsync(Row(T0));
        (await WaitForAsync(store, counts => counts.Log == 1)).Should().Be(Counts(log: 1, inbox: 0));

        await store.Ledger.AppendAsync(Row(T0 + 1));

        (await WaitForAsync(store, counts => counts.Log == 2)).Should().Be(Counts(log: 2, inbox: 0));
        stop.Cancel();
        await mover.Invoking(m => m).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Dispose_RowsStillInTheInbox_MoveBeforeTheWriterStops()
    {
        await using var store = TempStore.Create();
        await store.Ledger.AppendAsync(Row(T0));

        await store.Inbox.DisposeAsync();

        (await CountsAsync(store)).Should().Be(Counts(log: 1, inbox: 0));
    }

    [Fact]
    public async Task Read_AnotherConnectionHoldsTheWriteLock_TheReadGoesAheadOnTheLogAsItIs()
    {
        await using var store = TempStore.Create(busyTimeoutMs: 300);
        await store.AppendAsync([Row(T0)]);
        await store.Ledger.AppendAsync(Row(T0 + 1));

        await using (var locker = new SqliteConnection($"Data Source={store.Database.FilePath};Pooling=False"))
        {
            await locker.OpenAsync();
            await locker.ExecuteAsync("BEGIN EXCLUSIVE;");
            // The move fails after the busy timeout; the read must not wait for the lock to go.
            var page = await store.Logs.PageAsync(new LogQuery(), 1, 10).WaitAsync(TimeSpan.FromSeconds(20));
            page.Total.Should().Be(1, "the row in the inbox cannot move while the lock is held");
        }

        // The writer recovers by itself once the lock is gone (it probes every second).
        var total = 0L;
        for (var i = 0; i < 50 && total < 2; i++, await Task.Delay(100))
            total = (await store.Logs.PageAsync(new LogQuery(), 1, 10)).Total;
        total.Should().Be(2);
    }

    [Fact]
    public async Task Read_NothingLandedSinceTheLastMove_GoesAheadWithoutWaitingForTheWriter_ALandedRowStillMovesFirst()
    {
        await using var store = TempStore.Create();
        await store.Ledger.AppendAsync(Row(T0));
        await store.Inbox.MoveAllAsync();

        // The writer's thread busy with a long unit: a read that queued a move would wait behind it.
        var quiet = await WhileTheWriterIsBusyAsync(store, async () =>
        {
            var read = store.Logs.PageAsync(new LogQuery(), 1, 10);
            await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(5)));
            return read;
        });
        quiet.IsCompletedSuccessfully.Should().BeTrue("nothing landed since the last move: the read needs no move");
        (await quiet).Total.Should().Be(1);

        await store.Ledger.AppendAsync(Row(T0 + 1));
        var landed = await WhileTheWriterIsBusyAsync(store, async () =>
        {
            var read = store.Logs.PageAsync(new LogQuery(), 1, 10);
            await Task.Delay(300);
            read.IsCompleted.Should().BeFalse("a row landed since the last move: the read moves it first, behind the busy writer");
            return read;
        });
        (await landed.WaitAsync(TimeSpan.FromSeconds(5))).Total.Should().Be(2);
    }

    /// <summary>Runs <paramref name="action"/> while a unit holds the writer's thread; the unit ends whatever the action does.</summary>
    private static async Task<T> WhileTheWriterIsBusyAsync<T>(TempStore store, Func<Task<T>> action)
    {
        using var release = new SemaphoreSlim(0);
        var busy = store.Writer.ExecuteOnWriterThreadAsync((_, _) => { release.Wait(); return 0; });
        try
        {
            return await action();
        }
        finally
        {
            release.Release();
            await busy;
        }
    }

    // Expected counts as a value (a tuple literal's element names are dropped when it becomes the object compared).
    private static (long Log, long Inbox) Counts(long log, long inbox) => (log, inbox);

    private static async Task<(long Log, long Inbox)> CountsAsync(TempStore store)
    {
        await using var connection = await store.Database.OpenAsync();
        return await connection.QuerySingleAsync<(long, long)>("SELECT (SELECT COUNT(*) FROM logs), (SELECT COUNT(*) FROM log_inbox)");
    }

    private static async Task<(long Log, long Inbox)> WaitForAsync(TempStore store, Func<(long Log, long Inbox), bool> done)
    {
        var counts = await CountsAsync(store);
        for (var waited = 0; !done(counts) && waited < 100; waited++)
        {
            await Task.Delay(50);
            counts = await CountsAsync(store);
        }
        return counts;
    }
}
