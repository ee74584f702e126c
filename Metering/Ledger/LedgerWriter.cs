using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Metering.Ledger;

/// <summary>
/// The only writer to the database. Work arrives on a bounded channel and is committed in batches,
/// one transaction per batch, so a row and its balance debit land together and many requests share
/// one fsync. Each unit runs inside a savepoint: one that fails is rolled back alone.
/// </summary>
public sealed class LedgerWriter : IAsyncDisposable
{
    public delegate long Work(SqliteConnection connection, SqliteTransaction transaction);

    private readonly Storage.SqliteDatabase _database;
    private readonly Channel<Unit> _queue;
    private readonly int _maxBatch;
    private readonly TimeSpan _probeInterval;
    private readonly LedgerMetrics _metrics;
    private readonly bool _fsyncEveryCommit;
    private Task? _loop;

    /// <param name="capacity">Units waiting at most; submitters wait beyond it (backpressure, never unbounded).</param>
    /// <param name="maxBatch">Units committed in one transaction at most.</param>
    /// <param name="probeInterval">How often a failing store is tried again. Default 1 s.</param>
    /// <param name="fsyncEveryCommit">
    /// SQLite <c>synchronous=FULL</c>: every commit survives power loss, at an fsync per batch. Off
    /// (<c>NORMAL</c>, WAL): every commit survives a crash of the process, the last ones may not survive
    /// power loss.
    /// </param>
    public LedgerWriter(Storage.SqliteDatabase database, int capacity = 65_536, int maxBatch = 512, TimeSpan? probeInterval = null, bool fsyncEveryCommit = false)
    {
        _fsyncEveryCommit = fsyncEveryCommit;
        _database = database;
        _maxBatch = maxBatch;
        _probeInterval = probeInterval ?? TimeSpan.FromSeconds(1);
        _queue = Channel.CreateBounded<Unit>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _metrics = new LedgerMetrics(() => _queue.Reader.Count);
    }

    public bool IsRunning => _loop is { IsCompleted: false };

    public StoreHealth Health { get; } = new();

    /// <summary>Balances as committed, kept in memory; changed only by this writer's commits.</summary>
    public AccountStates Accounts { get; } = new();

    /// <summary>Units queued and not yet committed.</summary>
    public int QueueDepth => _queue.Reader.Count;

    public void Start() => _loop ??= Task.Run(RunAsync);

    /// <summary>Queues work and completes when its batch has committed, with the work's result.</summary>
    public async Task<long> ExecuteAsync(Work work, CancellationToken cancellationToken = default)
    {
        var unit = new Unit(work);
        await _queue.Writer.WriteAsync(unit, cancellationToken);
        return await unit.Completion.Task;
    }

    private async Task RunAsync()
    {
        using var connection = _database.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = _fsyncEveryCommit ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
            pragma.ExecuteNonQuery();
        }
        using var savepoints = new Savepoints(connection);
        var batch = new List<Unit>(_maxBatch);
        while (await WaitForWorkAsync(connection))
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var unit))
                batch.Add(unit);
            Commit(connection, savepoints, batch);
            batch.Clear();
        }
    }

    /// <summary>Waits for work; while the store is failing, probes it every interval so it recovers unattended.</summary>
    private async Task<bool> WaitForWorkAsync(SqliteConnection connection)
    {
        while (!Health.IsHealthy)
        {
            Probe(connection);
            if (Health.IsHealthy)
                break;
            using var timeout = new CancellationTokenSource(_probeInterval);
            try
            {
                return await _queue.Reader.WaitToReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return await _queue.Reader.WaitToReadAsync();
    }

    private void Probe(SqliteConnection connection)
    {
        try
        {
            // Taking the write lock is what failed commits could not do.
            using var transaction = connection.BeginTransaction(deferred: false);
            transaction.Commit();
            Health.ReportSuccess();
        }
        catch (Exception ex)
        {
            Health.ReportFailure(ex);
        }
    }

    private void Commit(SqliteConnection connection, Savepoints savepoints, List<Unit> batch)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var results = new long[batch.Count];
        var failures = new Exception?[batch.Count];
        try
        {
            using var transaction = connection.BeginTransaction();
            for (var i = 0; i < batch.Count; i++)
            {
                savepoints.Save(transaction);
                Accounts.BeginUnit();
                try
                {
                    results[i] = batch[i].Work(connection, transaction);
                    savepoints.Release(transaction);
                }
                catch (Exception ex) when (!IsStoreFailure(ex))
                {
                    savepoints.Rollback(transaction);
                    Accounts.RollbackUnit();
                    failures[i] = ex;
                }
            }
            transaction.Commit();
        }
        catch (Exception ex)
        {
            Accounts.Discard();
            // The commit itself failed (disk full, locked, file gone): nothing in this batch is durable.
            Health.ReportFailure(ex);
            _metrics.Failures.Add(1);
            foreach (var unit in batch)
                unit.Completion.TrySetException(ex);
            return;
        }
        Accounts.Apply();
        Health.ReportSuccess();
        _metrics.CommitSeconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        _metrics.BatchSize.Record(batch.Count);

        for (var i = 0; i < batch.Count; i++)
        {
            if (failures[i] is { } failure)
                batch[i].Completion.TrySetException(failure);
            else
                batch[i].Completion.TrySetResult(results[i]);
        }
    }

    // SQLite result codes that mean the store, not the unit, is at fault: busy, locked, I/O error,
    // corrupt, full, cannot open, read-only, not a database. The whole batch then fails.
    private static readonly HashSet<int> StoreFailureCodes = [5, 6, 10, 11, 13, 14, 8, 26];

    private static bool IsStoreFailure(Exception ex) => ex is SqliteException sqlite && StoreFailureCodes.Contains(sqlite.SqliteErrorCode);

    /// <summary>Stops taking work and commits everything already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
            await _loop;
        _metrics.Dispose();
    }

    /// <summary>The per-unit savepoint statements, prepared once (building them per unit cost ~17 µs a row).</summary>
    private sealed class Savepoints : IDisposable
    {
        private readonly SqliteCommand _save;
        private readonly SqliteCommand _release;
        private readonly SqliteCommand _rollback;

        public Savepoints(SqliteConnection connection)
        {
            _save = Prepare(connection, "SAVEPOINT unit;");
            _release = Prepare(connection, "RELEASE unit;");
            _rollback = Prepare(connection, "ROLLBACK TO unit; RELEASE unit;");
        }

        public void Save(SqliteTransaction transaction) => Run(_save, transaction);

        public void Release(SqliteTransaction transaction) => Run(_release, transaction);

        public void Rollback(SqliteTransaction transaction) => Run(_rollback, transaction);

        private static void Run(SqliteCommand command, SqliteTransaction transaction)
        {
            command.Transaction = transaction;
            command.ExecuteNonQuery();
        }

        private static SqliteCommand Prepare(SqliteConnection connection, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            return command;
        }

        public void Dispose()
        {
            _save.Dispose();
            _release.Dispose();
            _rollback.Dispose();
        }
    }

    private sealed class Unit(Work work)
    {
        public Work Work { get; } = work;
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
