using Microsoft.Data.Sqlite;

namespace Metering.Storage;

/// <summary>
/// The one SQLite file behind the gateway. Readers open their own pooled connections; writes go
/// through <see cref="Ledger.LedgerWriter"/> alone.
/// </summary>
public sealed class SqliteDatabase
{
    /// <summary>Default wait on a lock before SQLITE_BUSY, in milliseconds.</summary>
    public const int DefaultBusyTimeoutMs = 5000;


    // For the writer's connection (Open): each index of the log has hot pages at its insert points,
    // more than SQLite's default 2 MB page cache holds (-N is N KiB), and checkpointing the WAL every
    // 1,000 pages wrote the same hot pages back again and again; 10,000 pages (40 MB) amortises that.
    private const string WriterPragmas = "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=10000;";

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
}
