using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Engine;

/// <summary>
/// The one SQLite file behind the gateway. Readers open their own pooled connections; writes go
/// through the ledger's writer alone (<see cref="SqliteWriteStore"/>).
/// </summary>
public sealed class SqliteDatabase
{
    /// <summary>Default wait on a lock before SQLITE_BUSY, in milliseconds.</summary>
    public const int DefaultBusyTimeoutMs = 5000;


    // For the writer's connection (Open): each index of the log has hot pages at its insert points,
    // more than SQLite's default 2 MB page cache holds (-N is N KiB); 8 MB holds them, where 64 MB filled
    // with the growing file and kept ~80 MB of RSS for good at no measurable CPU gain. Checkpoints: a
    // background pass copies the WAL into the file several times a second (CheckpointAsync, PASSIVE: it
    // never blocks the writer), so when the writer's own checkpoint comes due at 10,000 pages it only
    // has the last fraction of a second left to copy (alone, it copied all 10,000 inside one commit and
    // stalled every request waiting on it for 100-400 ms). The writer's checkpoint must stay: under
    // continuous writes a checkpoint beside the writer never catches up to the last frame, and only a
    // complete checkpoint lets SQLite start the WAL over; without it the WAL and its -shm index grow
    // for good. The file is cut back to 64 MB whenever SQLite starts it over.
    private const string WriterPragmas = "PRAGMA cache_size=-8192; PRAGMA wal_autocheckpoint=10000; PRAGMA journal_size_limit=67108864;";

    private readonly string _connectionString;

    /// <param name="busyTimeoutMs">How long a statement waits on a lock before SQLITE_BUSY, in milliseconds.</param>
    public SqliteDatabase(string connectionString, int busyTimeoutMs = DefaultBusyTimeoutMs)
    {
        BusyTimeoutMs = busyTimeoutMs;
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = Math.Max(1, busyTimeoutMs / 1000) };
        _connectionString = builder.ToString();
        FilePath = builder.DataSource;
    }

    public string FilePath { get; }

    public int BusyTimeoutMs { get; }

    private string Pragmas => $"PRAGMA busy_timeout={BusyTimeoutMs}; PRAGMA foreign_keys=ON;";

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = Pragmas;
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>A connection for the writer (and migrations): the pragmas above plus a bigger cache.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = Pragmas + WriterPragmas;
        pragma.ExecuteNonQuery();
        return connection;
    }
    /// <summary>
    /// Copies committed WAL frames into the database file without waiting for, or blocking, the writer
    /// or readers (SQLite's PASSIVE checkpoint). Returns the frames in the WAL and those now checkpointed.
    /// </summary>
    public async Task<(long WalFrames, long Checkpointed)> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(1), reader.GetInt64(2));
    }
}
