using Metering.Ledger;
using Metering.Storage.Sqlite.Logs;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Engine;

/// <summary>
/// The writer's connection: runs one batch of units in one transaction, all together without
/// savepoints, or, when a unit fails on its own (not the store), all again each inside a savepoint,
/// so the failing one is rolled back alone and no other is lost or applied twice. Appended rows'
/// debits are summed per account (<see cref="DeferredDebits"/>) and written before the next other unit
/// and the commit. The in-memory balances staged by the batch are applied after the commit, dropped if it fails.
/// </summary>
internal sealed class SqliteWriteSession : IWriteSession
{
    private readonly SqliteConnection _connection;
    private readonly UnitSavepoint _savepoint;
    private readonly LogRowInserter _rows;
    private readonly AccountStates _accounts;
    private readonly DeferredDebits _debits = new();

    public SqliteWriteSession(SqliteDatabase database, LogRowInserter rows, AccountStates accounts, bool fsyncEveryCommit)
    {
        _connection = database.Open();
        using (var pragma = _connection.CreateCommand())
        {
            pragma.CommandText = $"PRAGMA {SqliteDatabase.LedgerSchema}.synchronous={(fsyncEveryCommit ? "FULL" : "NORMAL")};";
            pragma.ExecuteNonQuery();
        }
        _savepoint = new UnitSavepoint(_connection);
        _rows = rows;
        _accounts = accounts;
    }

    public SqliteConnection Connection => _connection;

    /// <summary>The batch's open transaction, while a unit runs.</summary>
    public SqliteTransaction Transaction { get; private set; } = null!;

    public void RunBatch(List<WriteUnit> batch, long[] results, Exception?[] failures)
    {
        try
        {
            if (!RunTogether(batch, results))
                RunOneByOne(batch, results, failures);
        }
        catch
        {
            _accounts.Discard();
            _debits.Discard();
            _rows.RolledBack();
            throw;
        }
        _accounts.Apply();
        _rows.Committed();
    }

    public void Probe()
    {
        // Taking the ledger's write lock is what failed commits could not do.
        using var transaction = Begin();
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"PRAGMA {SqliteDatabase.LedgerSchema}.user_version";
        var version = Convert.ToInt64(command.ExecuteScalar());
        command.CommandText = $"PRAGMA {SqliteDatabase.LedgerSchema}.user_version={version}";
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>
    /// The usual case: every unit in one transaction with no savepoint (two statements a unit saved).
    /// Returns false, with the transaction and staged balances rolled back, when a unit failed on its own.
    /// </summary>
    private bool RunTogether(List<WriteUnit> batch, long[] results)
    {
        using var transaction = Transaction = Begin();
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                results[i] = batch[i].Row is { } row
                    ? _rows.Insert(_connection, row, _debits)
                    : RunWork(batch[i].Work!);
            }
            catch (Exception ex) when (!IsStoreFailure(ex))
            {
                transaction.Rollback();
                _accounts.Discard();
                _debits.Discard();
                _rows.RolledBack();
                return false;
            }
        }
        _debits.Flush(_connection);
        transaction.Commit();
        return true;
    }

    /// <summary>The batch again, each unit in a savepoint: a unit that fails is rolled back alone and reported to its caller.</summary>
    private void RunOneByOne(List<WriteUnit> batch, long[] results, Exception?[] failures)
    {
        using var transaction = Transaction = Begin();
        for (var i = 0; i < batch.Count; i++)
        {
            _savepoint.Save();
            _accounts.BeginUnit();
            try
            {
                results[i] = batch[i].Row is { } row
                    ? _rows.Insert(_connection, row, _debits)
                    : batch[i].Work!(this);
                _debits.Flush(_connection);
                _savepoint.Release();
            }
            catch (Exception ex) when (!IsStoreFailure(ex))
            {
                _savepoint.Rollback();
                _accounts.RollbackUnit();
                _debits.Discard();
                failures[i] = ex;
            }
        }
        transaction.Commit();
    }

    // Deferred: BEGIN IMMEDIATE takes the write lock of every attached file, the log file's too, and would
    // wait behind an inbox move or a rollup. The first write takes the ledger's lock alone. The ledger has
    // no other writer, so a read before that write cannot find its snapshot overtaken (SQLITE_BUSY_SNAPSHOT).
    private SqliteTransaction Begin() => _connection.BeginTransaction(deferred: true);

    // Other work reads balances as they are: the debits of the rows before it are written first.
    private long RunWork(StoreWork work)
    {
        _debits.Flush(_connection);
        return work(this);
    }

    // SQLite result codes that mean the store, not the unit, is at fault: busy, locked, I/O error,
    // corrupt, full, cannot open, read-only, not a database. The whole batch then fails.
    private static readonly HashSet<int> StoreFailureCodes = [5, 6, 10, 11, 13, 14, 8, 26];

    private static bool IsStoreFailure(Exception ex) => ex is SqliteException sqlite && StoreFailureCodes.Contains(sqlite.SqliteErrorCode);

    public void Dispose()
    {
        _savepoint.Dispose();
        _connection.Dispose();
    }
}
