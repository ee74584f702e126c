using Dapper;
using Gateway.Tests.Metering.Storage;
using Metering.Ledger;
using Metering.Storage.Sqlite.Accounts;
using Metering.Storage.Sqlite.Engine;
using Metering.Storage.Sqlite.Logs;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Metering.Ledger;

/// <summary>
/// The writer's batches against a real SQLite file: units queued before the writer starts all land in
/// its first batch, which is how a failing unit is put among others deterministically.
/// </summary>
public class LedgerWriterTests : IAsyncLifetime
{
    private const long StartBalance = 1_000_000;
    private const long Spend = 1_000;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gateway-tests", Guid.NewGuid().ToString("N"));
    private SqliteDatabase _database = null!;
    private LedgerWriter _writer = null!;
    private readonly AccountStates _accounts = new();
    private readonly LogInboxSignal _signal = new();
    private LogRowInserter _rows = null!;
    private LedgerAppender _ledger = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _database = new SqliteDatabase($"Data Source={Path.Combine(_directory, "gateway.db")}");
        Migrations.Apply(_database);
        using var connection = _database.Open();
        connection.Execute("INSERT INTO accounts (id, name, balance_nano, created_ms) VALUES (1, 'a', @StartBalance, 0)", new { StartBalance });
        _rows = new LogRowInserter(_signal, _accounts);
        _writer = new LedgerWriter(new SqliteWriteStore(_database, _rows, _accounts));
        _ledger = new LedgerAppender(_writer);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Commit_OneUnitFailsAmongOthers_OthersCommitOnceAndTheFailureReachesItsCaller()
    {
        var before = Enumerable.Range(0, 10).Select(i => _ledger.AppendAsync(LogRows.Row(LogRows.T0 + i, spendNano: Spend))).ToList();
        var failing = _writer.ExecuteAsync((connection, transaction) =>
        {
            // Writes a row and a debit, then fails: neither may survive.
            _rows.Insert(connection, LogRows.Row(LogRows.T0, spendNano: 999_999));
            throw new LedgerRejectedException("refused");
        });
        var after = Enumerable.Range(10, 10).Select(i => _ledger.AppendAsync(LogRows.Row(LogRows.T0 + i, spendNano: Spend))).ToList();

        _writer.Start();

        await failing.Invoking(f => f).Should().ThrowAsync<LedgerRejectedException>();
        var ids = await Task.WhenAll(before.Concat(after));
        await using var connection = await _database.OpenAsync();
        var stored = (await connection.QueryAsync<long>("SELECT id FROM log_inbox ORDER BY id")).ToArray();
        stored.Should().BeEquivalentTo(ids, "each row once, under the id its caller was given");
        (await connection.ExecuteScalarAsync<long>("SELECT balance_nano FROM accounts WHERE id = 1")).Should().Be(StartBalance - 20 * Spend);
    }

    [Fact]
    public async Task Commit_OneUnitFailsAmongOthers_InMemoryBalanceMatchesTheStore()
    {
        var accounts = new SqliteAccountStore(_database, _writer, _rows, _accounts);
        _writer.Start();
        (await accounts.GetStateAsync(1))!.Value.BalanceNano.Should().Be(StartBalance);

        var units = Enumerable.Range(0, 50).Select(i => i == 25
            ? _writer.ExecuteAsync((connection, transaction) =>
            {
                _rows.Insert(connection, LogRows.Row(LogRows.T0, spendNano: 5 * Spend));
                throw new InvalidOperationException("a bug in one unit");
            })
            : _ledger.AppendAsync(LogRows.Row(LogRows.T0 + i, spendNano: Spend))).ToList();
        await Task.WhenAll(units).ContinueWith(_ => { });

        units.Count(u => u.IsFaulted).Should().Be(1);
        (await accounts.GetStateAsync(1))!.Value.BalanceNano.Should().Be(StartBalance - 49 * Spend);
        (await accounts.GetAsync(1))!.BalanceNano.Should().Be(StartBalance - 49 * Spend);
    }

    [Fact]
    public async Task Commit_BalanceReadAmongAppendsInOneBatch_SeesTheDeferredDebitsBeforeIt()
    {
        var accounts = new SqliteAccountStore(_database, _writer, _rows, _accounts);
        var before = Enumerable.Range(0, 10).Select(i => _ledger.AppendAsync(LogRows.Row(LogRows.T0 + i, spendNano: Spend))).ToList();
        // Not in memory yet: loaded through the writer, by reading the balance inside the same batch.
        var load = accounts.GetStateAsync(1).AsTask();
        var after = Enumerable.Range(10, 10).Select(i => _ledger.AppendAsync(LogRows.Row(LogRows.T0 + i, spendNano: Spend))).ToList();

        _writer.Start();
        await Task.WhenAll(before.Concat(after));
        await load;

        (await accounts.GetStateAsync(1))!.Value.BalanceNano.Should().Be(StartBalance - 20 * Spend);
        (await accounts.GetAsync(1))!.BalanceNano.Should().Be(StartBalance - 20 * Spend);
    }

    [Fact]
    public async Task Start_QueuedWorkRunsOnTheWritersOwnThread()
    {
        string? name = null;
        // Queued before the writer's connection is open; a lone unit later may commit on its caller's thread (LedgerWriterInlineTests).
        var queued = _writer.ExecuteAsync((_, _) =>
        {
            name = Thread.CurrentThread.Name;
            return 0;
        });

        _writer.Start();
        await queued;

        name.Should().Be(LedgerWriter.ThreadName);
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
