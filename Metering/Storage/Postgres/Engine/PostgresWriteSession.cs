using Dapper;
using Metering.Ledger;
using Metering.Logs;
using Metering.Storage.Postgres.Accounts;
using Metering.Storage.Postgres.Logs;
using Npgsql;

namespace Metering.Storage.Postgres.Engine;

/// <summary>
/// The writer's connection to PostgreSQL: one batch = one transaction with the batch's own id (written
/// first), its rows, and their debits (one UPDATE per account, ascending) last, just before COMMIT: the
/// only locks a batch takes are the debited accounts' rows, held for as short a time as possible, since
/// another instance's batch on the same account waits for them until this COMMIT's WAL flush is done.
/// As in SQLite, a unit that fails on its own makes the batch run again unit by unit in savepoints.
/// Beyond SQLite: a batch PostgreSQL rolled back (deadlock, serialisation failure) or whose commit
/// outcome was unknown and turned out not committed runs again from the start; one that did commit is
/// reported committed. The connection is opened lazily and replaced after it breaks, so a lost server
/// is a failing store that recovers by itself.
/// </summary>
internal sealed class PostgresWriteSession(PostgresDatabase database, LogPartitions partitions, AccountStates accounts,
    BalanceFreshness freshness, TimeProvider clock) : IWriteSession
{
    /// <summary>Runs of one batch at most (the first and the retries of a batch known not to have committed).</summary>
    private const int MaxRuns = 3;

    private readonly PendingDebits _debits = new(accounts);
    private readonly PendingRows _rows = new();
    private NpgsqlConnection? _connection;
    private WriterBackend? _backend;
    private bool _committing;

    /// <summary>The batch's open transaction, while a unit runs.</summary>
    public NpgsqlTransaction Transaction { get; private set; } = null!;

    public NpgsqlConnection Connection => _connection!;

    /// <summary>A system row written with other work: inserted with the batch's rows, its debit with theirs.</summary>
    public void AddRow(LogRecord row)
    {
        _rows.Add(row, -1);
        AddDebit(row);
    }

    public void RunBatch(List<WriteUnit> batch, long[] results, Exception?[] failures)
    {
        for (var run = 1; ; run++)
        {
            var batchId = Guid.NewGuid();
            try
            {
                EnsureConnection();
                partitions.EnsureFor(_connection!, batch.Where(u => u.Row is not null).Select(u => u.Row!.TimeMs).Append(NowMs));
                if (batch.TrueForAll(u => u.Row is not null))
                    WriteRowsInOneTrip(batch, results, batchId);
                else if (!RunTogether(batch, results, batchId))
                    RunOneByOne(batch, results, failures, batchId);
            }
            catch (Exception ex)
            {
                var verdict = Settle(ex, batchId);
                if (verdict == Verdict.Failed || (verdict == Verdict.NotCommitted && run == MaxRuns))
                {
                    Forget();
                    // Whatever this instance holds may now be off by this batch: read every balance and key spend again.
                    freshness.ForgetAll();
                    accounts.ForgetKeySpends();
                    throw;
                }
                if (verdict == Verdict.NotCommitted)
                {
                    Forget();
                    Array.Clear(failures);
                    continue;
                }
                // Committed after all: the units are done, exactly once. Their answers (ids, balances) were never
                // read, so what they staged is dropped, not carried into the next batch (which would write those
                // rows and debits again), and this instance reads balances and key spends afresh.
                Forget();
                freshness.ForgetAll();
                accounts.ForgetKeySpends();
                return;
            }
            accounts.Apply();
            freshness.MarkRead(_debits.Touched);
            _debits.Touched.Clear();
            return;
        }
    }

    public void Probe()
    {
        EnsureConnection();
        _connection!.Execute("SELECT 1");
    }

    /// <summary>
    /// Rows only, the requests' path: BEGIN, the batch's id, the rows, the debits ascending and COMMIT
    /// in one round trip. The whole trip counts as the commit: a connection lost before its answer may
    /// have committed, so the batch is looked up by its id. A statement that fails makes the server skip
    /// the rest, COMMIT included; the failed transaction is rolled back before the error goes on.
    /// </summary>
    private void WriteRowsInOneTrip(List<WriteUnit> batch, long[] results, Guid batchId)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            _rows.Add(batch[i].Row!, i);
            AddDebit(batch[i].Row!);
        }
        using var trip = new NpgsqlBatch(_connection!);
        trip.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        trip.BatchCommands.Add(PendingRows.RecordBatch(batchId, NowMs));
        _rows.AddTo(trip);
        _debits.AddTo(trip);
        trip.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        _committing = true;
        try
        {
            using (var reader = trip.ExecuteReader())
            {
                _rows.ReadFrom(reader, results);
                _debits.ReadFrom(reader);
                while (reader.NextResult())
                {
                }
            }
            _committing = false;
        }
        catch (Exception ex) when (!PostgresFailures.IsConnectionLost(ex))
        {
            // The server answered with an error, so nothing committed: not a commit of unknown outcome.
            _committing = false;
            _connection!.Execute("ROLLBACK");
            throw;
        }
    }

    /// <summary>Every unit in one transaction; false, with everything rolled back, when a unit failed on its own.</summary>
    private bool RunTogether(List<WriteUnit> batch, long[] results, Guid batchId)
    {
        using var transaction = Transaction = Begin(batchId);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Row is { } row)
            {
                _rows.Add(row, i);
                AddDebit(row);
                continue;
            }
            try
            {
                // Other work reads balances as they are: the debits of the rows before it are written first.
                _debits.Flush(_connection, transaction);
                results[i] = batch[i].Work!(this);
            }
            catch (Exception ex) when (!PostgresFailures.IsStoreFailure(ex))
            {
                transaction.Rollback();
                Forget();
                return false;
            }
        }
        Commit(transaction, results);
        return true;
    }

    /// <summary>The batch again, each unit written at once inside a savepoint: a unit that fails is rolled back alone.</summary>
    private void RunOneByOne(List<WriteUnit> batch, long[] results, Exception?[] failures, Guid batchId)
    {
        using var transaction = Transaction = Begin(batchId);
        for (var i = 0; i < batch.Count; i++)
        {
            transaction.Save("unit");
            accounts.BeginUnit();
            _rows.BeginUnit();
            try
            {
                if (batch[i].Row is { } row)
                {
                    _rows.Add(row, i);
                    AddDebit(row);
                }
                else
                {
                    results[i] = batch[i].Work!(this);
                }
                _rows.Flush(_connection, transaction, results);
                _debits.Flush(_connection, transaction);
                transaction.Release("unit");
            }
            catch (Exception ex) when (!PostgresFailures.IsStoreFailure(ex))
            {
                transaction.Rollback("unit");
                accounts.RollbackUnit();
                _rows.RollbackUnit();
                _debits.Discard();
                failures[i] = ex;
            }
        }
        Commit(transaction, results);
    }

    /// <summary>A transaction that has recorded the batch's id: it holds its transaction id before any row id (see <see cref="PendingRows"/>).</summary>
    private NpgsqlTransaction Begin(Guid batchId)
    {
        var transaction = _connection!.BeginTransaction();
        using var record = new NpgsqlBatch(_connection, transaction) { BatchCommands = { PendingRows.RecordBatch(batchId, NowMs) } };
        record.ExecuteNonQuery();
        return transaction;
    }

    /// <summary>
    /// The batch's last statements in one round trip (rows, then debits ascending), then COMMIT: two
    /// round trips for a batch of rows, however many.
    /// </summary>
    private void Commit(NpgsqlTransaction transaction, long[] results)
    {
        using (var batch = new NpgsqlBatch(_connection!, transaction))
        {
            var hasRows = _rows.AddTo(batch);
            _debits.AddTo(batch);
            using var reader = batch.ExecuteReader();
            if (hasRows)
                _rows.ReadFrom(reader, results);
            _debits.ReadFrom(reader);
            // The statements that answer nothing: reading past them surfaces their errors here.
            while (reader.NextResult())
            {
            }
        }
        // Cleared on success only: a failure's catch (Settle) runs after every finally on its way, and must
        // still see that the commit was under way to look the batch up instead of running it again.
        _committing = true;
        transaction.Commit();
        _committing = false;
    }

    private void AddDebit(LogRecord row) => _debits.Add(row);

    private enum Verdict { NotCommitted, Committed, Failed }

    /// <summary>
    /// What became of a batch that threw. Certainly not committed, so running it again cannot apply it
    /// twice: PostgreSQL rolled it back and said so (deadlock, serialisation failure), or the connection
    /// broke before COMMIT was sent, or it broke during COMMIT and the batch's id is not in the database.
    /// Committed: the connection broke during COMMIT and the id is there. Anything else fails the batch.
    /// </summary>
    private Verdict Settle(Exception ex, Guid batchId)
    {
        var duringCommit = _committing;
        _committing = false;
        if (PostgresFailures.IsRolledBack(ex))
            return Verdict.NotCommitted;
        if (PostgresFailures.IsMissingPartition(ex))
        {
            // Another instance's retention dropped a month this instance thought it had: make sure of them all again.
            partitions.ForgetAll();
            return Verdict.NotCommitted;
        }
        if (!PostgresFailures.IsConnectionLost(ex))
            return Verdict.Failed;
        var backend = _backend;
        DropConnection();
        if (!duringCommit || backend is null)
            return Verdict.NotCommitted;
        try
        {
            return BatchOutcome.WasCommitted(database, batchId, backend) ? Verdict.Committed : Verdict.NotCommitted;
        }
        catch (Exception lookup) when (PostgresFailures.IsStoreFailure(lookup) || lookup is TimeoutException)
        {
            return Verdict.Failed;
        }
    }

    private void EnsureConnection()
    {
        if (_connection is { State: System.Data.ConnectionState.Open })
            return;
        DropConnection();
        _connection = database.Open();
        _backend = _connection.QuerySingle<WriterBackend>(
            "SELECT pid AS Pid, backend_start AS Started FROM pg_stat_activity WHERE pid = pg_backend_pid()");
    }

    private void DropConnection()
    {
        _connection?.Dispose();
        _connection = null;
    }

    /// <summary>Drops what the batch staged (its rows, debits and balances), after a rollback.</summary>
    private void Forget()
    {
        accounts.Discard();
        _debits.Discard();
        _rows.Discard();
        if (_connection is not { State: System.Data.ConnectionState.Open })
            DropConnection();
    }

    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public void Dispose() => DropConnection();
}
