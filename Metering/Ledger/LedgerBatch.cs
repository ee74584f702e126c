using Microsoft.Data.Sqlite;

namespace Metering.Ledger;

/// <summary>
/// Runs one batch of units in one transaction on the writer's connection: all together without
/// savepoints, or, when a unit fails on its own (not the store), all again each inside a savepoint,
/// so the failing one is rolled back alone and no other is lost or applied twice.
/// </summary>
internal sealed class LedgerBatch(SqliteConnection connection, UnitSavepoint savepoint, AccountStates accounts, DeferredDebits debits)
{
    /// <summary>
    /// Runs and commits the units; <paramref name="failures"/>[i] is set for a unit that failed on its
    /// own. Throws, with nothing committed, when the store fails.
    /// </summary>
    public void Run(List<LedgerUnit> batch, long[] results, Exception?[] failures)
    {
        if (!RunTogether(batch, results))
            RunOneByOne(batch, results, failures);
    }

    /// <summary>
    /// The usual case: every unit in one transaction with no savepoint (two statements a unit saved).
    /// Returns false, with the transaction and staged balances rolled back, when a unit failed on its own.
    /// </summary>
    private bool RunTogether(List<LedgerUnit> batch, long[] results)
    {
        using var transaction = connection.BeginTransaction();
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                if (!batch[i].DefersDebits)
                    debits.Flush(connection);
                results[i] = batch[i].Work(connection, transaction);
            }
            catch (Exception ex) when (!IsStoreFailure(ex))
            {
                transaction.Rollback();
                accounts.Discard();
                debits.Discard();
                return false;
            }
        }
        debits.Flush(connection);
        transaction.Commit();
        return true;
    }

    /// <summary>The batch again, each unit in a savepoint: a unit that fails is rolled back alone and reported to its caller.</summary>
    private void RunOneByOne(List<LedgerUnit> batch, long[] results, Exception?[] failures)
    {
        using var transaction = connection.BeginTransaction();
        for (var i = 0; i < batch.Count; i++)
        {
            savepoint.Save();
            accounts.BeginUnit();
            try
            {
                results[i] = batch[i].Work(connection, transaction);
                debits.Flush(connection);
                savepoint.Release();
            }
            catch (Exception ex) when (!IsStoreFailure(ex))
            {
                savepoint.Rollback();
                accounts.RollbackUnit();
                debits.Discard();
                failures[i] = ex;
            }
        }
        transaction.Commit();
    }

    // SQLite result codes that mean the store, not the unit, is at fault: busy, locked, I/O error,
    // corrupt, full, cannot open, read-only, not a database. The whole batch then fails.
    private static readonly HashSet<int> StoreFailureCodes = [5, 6, 10, 11, 13, 14, 8, 26];

    private static bool IsStoreFailure(Exception ex) => ex is SqliteException sqlite && StoreFailureCodes.Contains(sqlite.SqliteErrorCode);
}
