using Dapper;
using Metering.Ledger;
using Metering.Storage.Sqlite.Accounts;
using Metering.Storage.Sqlite.Engine;
using Metering.Storage.Sqlite.Logs;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Metering.Storage.Sqlite;

/// <summary>The ledger's tables in a file of their own, and a file from before the split brought over.</summary>
public sealed class LedgerFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gateway-tests", Guid.NewGuid().ToString("N"));

    public LedgerFileTests() => Directory.CreateDirectory(_directory);

    private string LogPath => Path.Combine(_directory, "gateway.db");

    [Fact]
    public void Migrate_AFileFromBeforeTheSplit_MovesAccountsKeysAndInboxRowsToTheLedgerFile()
    {
        // The one file of earlier versions: accounts, keys and a row still in the inbox.
        using (var old = new SqliteConnection($"Data Source={LogPath};Pooling=False"))
        {
            old.Open();
            Migrations.ApplyLogFileSteps(old);
            old.Execute("INSERT INTO accounts (id, name, balance_nano, record_ip, created_ms) VALUES (7, 'acme', 123456789, 1, 1)");
            old.Execute("INSERT INTO api_keys (id, account_id, name, grp, key_hash, key_hint, created_ms) VALUES (3, 7, 'k', 'default', x'0102', 'sk-…ab', 1)");
            old.Execute("INSERT INTO logs (id, request_id, time_ms, type, account_id) VALUES (41, 'req-a', 1, 'consume', 7)");
            old.Execute("INSERT INTO log_inbox (id, request_id, time_ms, type, account_id, spend_nano) VALUES (42, 'req-b', 2, 'consume', 7, 5)");
        }
        var database = new SqliteDatabase($"Data Source={LogPath}");

        Migrations.Apply(database);
        Migrations.Apply(database);

        using var connection = database.Open();
        connection.ExecuteScalar<int>("PRAGMA main.user_version").Should().Be(Migrations.LatestVersion);
        connection.Query<string>("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name IN ('accounts', 'api_keys', 'log_inbox')")
            .Should().BeEmpty("the log file no longer holds the ledger's tables");
        connection.QuerySingle<(long, long, long)>("SELECT balance_nano, record_ip, (SELECT COUNT(*) FROM ledger.api_keys WHERE account_id = 7) FROM ledger.accounts WHERE id = 7")
            .Should().Be((123456789L, 1L, 1L));
        connection.Query<long>("SELECT id FROM ledger.log_inbox").Should().Equal(42L);
        File.Exists(database.LedgerPath).Should().BeTrue();
    }

    [Fact]
    public void Migrate_RowsFromBeforeKeySpend_SummedIntoTheKeysDays()
    {
        using (var old = new SqliteConnection($"Data Source={LogPath};Pooling=False"))
        {
            old.Open();
            Migrations.ApplyLogFileSteps(old);
            old.Execute("INSERT INTO accounts (id, name, balance_nano, record_ip, created_ms) VALUES (7, 'acme', 0, 0, 1)");
            old.Execute("INSERT INTO api_keys (id, account_id, name, grp, key_hash, key_hint, created_ms) VALUES (3, 7, 'k', 'default', x'0102', 'sk-…ab', 1)");
            // Two rows of one UTC day (one moved to the log, one still in the inbox), one of the next day, a system row.
            old.Execute("INSERT INTO logs (id, request_id, time_ms, type, account_id, key_id, spend_nano) VALUES (41, 'a', 1000, 'consume', 7, 3, 5)");
            old.Execute("INSERT INTO log_inbox (id, request_id, time_ms, type, account_id, key_id, spend_nano) VALUES (42, 'b', 2000, 'consume', 7, 3, 7)");
            old.Execute("INSERT INTO log_inbox (id, request_id, time_ms, type, account_id, key_id, spend_nano) VALUES (43, 'c', 86400001, 'consume', 7, 3, 11)");
            old.Execute("INSERT INTO log_inbox (id, request_id, time_ms, type, account_id, spend_nano) VALUES (44, 'd', 3000, 'system', 7, 0)");
        }
        var database = new SqliteDatabase($"Data Source={LogPath}");

        Migrations.Apply(database);
        Migrations.Apply(database);

        using var connection = database.Open();
        connection.Query<(long, long, long)>("SELECT key_id, day_ms, spend_nano FROM ledger.key_spend ORDER BY day_ms")
            .Should().Equal((3L, 0L, 12L), (3L, 86_400_000L, 11L));
        connection.ExecuteScalar<long?>("SELECT budget_nano FROM ledger.api_keys WHERE id = 3").Should().BeNull();
    }

    [Fact]
    public async Task Migrate_AFileFromBeforeTheSplit_TheStoreCarriesOnWithItsRowsAndBalances()
    {
        using (var old = new SqliteConnection($"Data Source={LogPath};Pooling=False"))
        {
            old.Open();
            Migrations.ApplyLogFileSteps(old);
            old.Execute("INSERT INTO accounts (id, name, balance_nano, record_ip, created_ms) VALUES (7, 'acme', 1000, 0, 1)");
            old.Execute("INSERT INTO logs (id, request_id, time_ms, type, account_id) VALUES (41, 'req-a', 1, 'consume', 7)");
            old.Execute("INSERT INTO log_inbox (id, request_id, time_ms, type, account_id) VALUES (42, 'req-b', 2, 'consume', 7)");
        }
        var database = new SqliteDatabase($"Data Source={LogPath}");
        Migrations.Apply(database);
        var accounts = new AccountStates();
        var signal = new LogInboxSignal();
        var rows = new LogRowInserter(signal, accounts);
        await using var writer = new LedgerWriter(new SqliteWriteStore(database, rows, accounts));
        writer.Start();
        using var logFile = new LogFileWriter(database);
        var inbox = new LogInbox(writer, logFile, signal);

        var id = await new LedgerAppender(writer).AppendAsync(LogRows.Row(3, account: 7, spendNano: 10));
        await inbox.MoveAllAsync();

        id.Should().Be(43, "ids go on from the inbox the old file left");
        using var connection = database.Open();
        connection.Query<long>("SELECT id FROM logs ORDER BY id").Should().Equal(41L, 42L, 43L);
        (await new SqliteAccountStore(database, writer, rows, accounts).GetStateAsync(7))!.Value.BalanceNano.Should().Be(990);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
