using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Metering.Storage.Sqlite.Engine;

/// <summary>
/// The two SQLite files behind the gateway. The file the connection string names holds the usage log
/// and its rollups; a second file beside it (<see cref="LedgerPath"/>, attached to every connection as
/// <c>ledger</c>) holds what a request's commit writes: accounts, keys and the log inbox. Each file has
/// its own write lock, so a request's commit (the ledger's, by the ledger's writer alone) never waits
/// behind bulk work on the log (an inbox move, a rollup, a retention batch, which the
/// <see cref="LogFileWriter"/> runs). Table names are unique across the two files, so SQL names
/// tables without their schema. Readers open their own pooled connections.
/// </summary>
public sealed class SqliteDatabase
{
    /// <summary>Default wait on a lock before SQLITE_BUSY, in milliseconds.</summary>
    public const int DefaultBusyTimeoutMs = 5000;

    /// <summary>The schema name the ledger file is attached under.</summary>
    public const string LedgerSchema = "ledger";

    // For the two writing connections: each index of the log has hot pages at its insert points, more
    // than SQLite's default 2 MB page cache holds (-N is N KiB); 8 MB holds them, where 64 MB filled with
    // the growing file and kept ~80 MB of RSS for good at no measurable CPU gain. Checkpoints: a
    // background pass copies each WAL into its file several times a second (CheckpointAsync, PASSIVE: it
    // never blocks a writer), so when a writer's own checkpoint comes due at 10,000 pages it only has the
    // last fraction of a second left to copy (alone, it copied all 10,000 inside one commit and stalled
    // every request waiting on it for 100-400 ms). The writer's checkpoint must stay: under continuous
    // writes a checkpoint beside the writer never catches up to the last frame, and only a complete
    // checkpoint lets SQLite start the WAL over; without it the WAL and its -shm index grow for good. The
    // file is cut back to 64 MB whenever SQLite starts it over.
    private static string WriterPragmas(string schema) =>
        $"PRAGMA {schema}.cache_size=-8192; PRAGMA {schema}.wal_autocheckpoint=10000; PRAGMA {schema}.journal_size_limit=67108864;";

    // Pooled connections keep what was attached to them: attach once per native connection.
    private static readonly ConditionalWeakTable<sqlite3, object> Attached = new();

    private readonly string _connectionString;

    /// <param name="busyTimeoutMs">How long a statement waits on a lock before SQLITE_BUSY, in milliseconds.</param>
    public SqliteDatabase(string connectionString, int busyTimeoutMs = DefaultBusyTimeoutMs)
    {
        BusyTimeoutMs = busyTimeoutMs;
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = Math.Max(1, busyTimeoutMs / 1000) };
        _connectionString = builder.ToString();
        FilePath = builder.DataSource;
        LedgerPath = LedgerPathFor(FilePath);
    }

    /// <summary>The log's file, as the connection string names it.</summary>
    public string FilePath { get; }

    /// <summary>The ledger's file: beside the log's, <c>gateway.db</c> → <c>gateway.ledger.db</c>.</summary>
    public string LedgerPath { get; }

    public int BusyTimeoutMs { get; }

    public static string LedgerPathFor(string logPath)
    {
        var extension = Path.GetExtension(logPath);
        return Path.Combine(Path.GetDirectoryName(logPath) ?? "", Path.GetFileNameWithoutExtension(logPath) + ".ledger" + extension);
    }

    private string Pragmas => $"PRAGMA busy_timeout={BusyTimeoutMs}; PRAGMA foreign_keys=ON;";

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        Prepare(connection, "");
        return connection;
    }

    /// <summary>The ledger's writer connection (and migrations'): the pragmas above for the ledger file.</summary>
    public SqliteConnection Open() => OpenWith(WriterPragmas(LedgerSchema));

    /// <summary>The log file's writer connection (<see cref="LogFileWriter"/>): the pragmas above for the log file.</summary>
    public SqliteConnection OpenForLogWrites() => OpenWith(WriterPragmas("main"));

    private SqliteConnection OpenWith(string pragmas)
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Prepare(connection, pragmas);
        return connection;
    }

    private void Prepare(SqliteConnection connection, string pragmas)
    {
        using var command = connection.CreateCommand();
        var attach = Attached.TryGetValue(connection.Handle!, out _) ? "" : $"ATTACH DATABASE $ledger AS {LedgerSchema};";
        if (attach.Length > 0)
            command.Parameters.AddWithValue("$ledger", LedgerPath);
        command.CommandText = attach + Pragmas + pragmas;
        command.ExecuteNonQuery();
        Attached.AddOrUpdate(connection.Handle!, Attached);
    }

    /// <summary>
    /// Copies committed WAL frames into both files without waiting for, or blocking, the writers or
    /// readers (SQLite's PASSIVE checkpoint). Returns the log file's frames in the WAL and those now checkpointed.
    /// </summary>
    public async Task<(long WalFrames, long Checkpointed)> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {LedgerSchema}.wal_checkpoint(PASSIVE);";
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = "PRAGMA main.wal_checkpoint(PASSIVE);";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(1), reader.GetInt64(2));
    }
}
