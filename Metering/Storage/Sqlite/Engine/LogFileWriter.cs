using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Engine;

/// <summary>
/// The log file's one writing connection: inbox moves, rollup upserts and retention batches, one at a
/// time, each its own transaction, on the thread pool. It never touches the ledger file's write lock
/// (see <see cref="SqliteDatabase"/>), so none of this bulk work delays a request's commit. Commits are
/// fsynced (<c>synchronous=FULL</c>): a move's copy must be durable before the ledger drops the rows it
/// copied, and the two files cannot commit together. A failed unit closes the connection; the next
/// opens a fresh one.
/// </summary>
public sealed class LogFileWriter(SqliteDatabase database) : IDisposable
{
    public delegate T Work<out T>(SqliteConnection connection, SqliteTransaction transaction);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;

    public async Task<T> RunAsync<T>(Work<T> work, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => Run(work), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private T Run<T>(Work<T> work)
    {
        var connection = _connection ??= Open();
        try
        {
            // Deferred: BEGIN IMMEDIATE would take the ledger file's write lock too. This is the log file's only writer.
            using var transaction = connection.BeginTransaction(deferred: true);
            var result = work(connection, transaction);
            transaction.Commit();
            return result;
        }
        catch
        {
            _connection = null;
            connection.Dispose();
            throw;
        }
    }

    private SqliteConnection Open()
    {
        var connection = database.OpenForLogWrites();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA main.synchronous=FULL;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
    }
}
