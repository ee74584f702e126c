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

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA busy_timeout={BusyTimeoutMs}; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA busy_timeout={BusyTimeoutMs}; PRAGMA foreign_keys=ON;";
        pragma.ExecuteNonQuery();
        return connection;
    }
}
