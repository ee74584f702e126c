using Metering.Ledger;
using Metering.Logs;
using Metering.Storage.Sqlite.Engine;
using Metering.Storage.Sqlite.Logs;
using Metering.Storage.Sqlite.Rollups;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Metering.Storage;

/// <summary>A migrated SQLite file of its own with a running writer and the real store; deleted on dispose.</summary>
internal sealed class TempStore : IAsyncDisposable
{
    private readonly string _directory;

    private TempStore(string directory, int busyTimeoutMs)
    {
        _directory = directory;
        Database = new SqliteDatabase($"Data Source={Path.Combine(directory, "gateway.db")}", busyTimeoutMs);
        Migrations.Apply(Database);
        Rows = new LogRowInserter(Signal, Accounts);
        Writer = new LedgerWriter(new SqliteWriteStore(Database, Rows, Accounts));
        Writer.Start();
        Ledger = new LedgerAppender(Writer);
        LogFile = new LogFileWriter(Database);
        Inbox = new LogInbox(Writer, LogFile, Signal);
        Logs = new SqliteLogReader(Database, Inbox);
    }

    public AccountStates Accounts { get; } = new();

    public LogInboxSignal Signal { get; } = new();

    public LogRowInserter Rows { get; }

    public LedgerAppender Ledger { get; }

    public SqliteDatabase Database { get; }

    public LedgerWriter Writer { get; }

    public LogFileWriter LogFile { get; }

    public LogInbox Inbox { get; }

    public SqliteLogReader Logs { get; }

    public static TempStore Create(int busyTimeoutMs = SqliteDatabase.DefaultBusyTimeoutMs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "gateway-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return new TempStore(directory, busyTimeoutMs);
    }

    /// <summary>Appends through the store and moves the rows on to the log, as the gateway's mover soon does.</summary>
    public async Task AppendAsync(IEnumerable<LogRecord> rows)
    {
        await Task.WhenAll(rows.Select(r => Ledger.AppendAsync(r)));
        await Inbox.MoveAllAsync();
    }

    /// <summary>Folds up to <paramref name="maxRows"/> more ids into the rollups (as the background job does); all when not given.</summary>
    public Task<long> RollUpAsync(int? maxRows = null, int maxRollupRowsPerUnit = RollupBuilder.DefaultRollupRowsPerUnit) => maxRows is { } max
        ? RollupBuilder.StepAsync(Database, LogFile, max, maxRollupRowsPerUnit)
        : RollupBuilder.CatchUpAsync(Database, LogFile, 20_000, maxRollupRowsPerUnit);

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        LogFile.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
