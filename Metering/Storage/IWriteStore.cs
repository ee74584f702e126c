namespace Metering.Storage;

/// <summary>What the ledger's writer needs of the store: a session on the writer's thread that commits batches.</summary>
public interface IWriteStore
{
    /// <summary>Opens the writer's own session (connection); called once, on the writer's thread.</summary>
    IWriteSession OpenSession();
}

/// <summary>The writer's session: runs batches of <see cref="WriteUnit"/>s, one transaction each.</summary>
public interface IWriteSession : IDisposable
{
    /// <summary>
    /// Runs and commits the units in one transaction: rows inserted with their account debits, other
    /// work in order. <paramref name="failures"/>[i] is set for a unit that failed on its own (the others
    /// still commit, once). Throws, with nothing committed, when the store itself fails. The in-memory
    /// balances follow the commit.
    /// </summary>
    void RunBatch(List<WriteUnit> batch, long[] results, Exception?[] failures);

    /// <summary>Throws while the store cannot take writes (what a failed commit could not do).</summary>
    void Probe();
}

/// <summary>The store's way onto the single writer, for its own work (admin changes, background jobs).</summary>
public interface IWriteQueue
{
    /// <summary>Queues work; completes when its batch has committed, with the work's result.</summary>
    Task<long> ExecuteAsync(StoreWork work, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="ExecuteAsync"/>, always on the writer's thread: for background work no request waits on.</summary>
    Task<long> ExecuteOnWriterThreadAsync(StoreWork work, CancellationToken cancellationToken = default);

    bool IsRunning { get; }

    bool IsHealthy { get; }
}
