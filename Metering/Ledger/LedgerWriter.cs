using System.Threading.Channels;
using Metering.Logs;
using Metering.Storage;

namespace Metering.Ledger;

/// <summary>
/// The only writer to the store, on a thread of its own. Work arrives on a bounded channel and is
/// committed in batches, one transaction per batch (<see cref="IWriteSession.RunBatch"/>), so a row and
/// its balance debit land together and many requests share one commit; the store's session keeps a
/// failing unit from taking the others with it.
/// When the writer has been idle a while (nothing queued, no commit for <see cref="InlineAfterIdle"/>),
/// the caller commits its unit itself, on its own thread: handing a lone unit to the writer thread and
/// being woken again cost two thread hops, most of what a request at low concurrency waited for its
/// row. Under load units keep queueing, so they share commits. A lock keeps every commit one at a time.
/// </summary>
public sealed class LedgerWriter : IWriteQueue, IAsyncDisposable
{
    private readonly IWriteStore _store;
    private readonly Channel<WriteUnit> _queue;
    private readonly int _maxBatch;
    private readonly TimeSpan _probeInterval;
    private readonly LedgerMetrics _metrics;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _commitLock = new();
    private readonly List<WriteUnit> _inline = new(1);
    private IWriteSession? _session;   // the writer's, while it is open; under _commitLock
    private volatile bool _closing;
    private long _lastCommitEnd;

    /// <summary>
    /// How long the writer must have been idle before a caller commits inline. Shorter, and under load a
    /// request arriving just after a commit took a transaction to itself (fewer rows per commit: more
    /// CPU per row); longer, and requests at low concurrency hop to the writer thread.
    /// </summary>
    public static readonly TimeSpan InlineAfterIdle = TimeSpan.FromMicroseconds(200);
    private static readonly long InlineAfterIdleTicks = (long)(InlineAfterIdle.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    private Thread? _thread;

    /// <param name="capacity">Units waiting at most; submitters wait beyond it (backpressure, never unbounded).</param>
    /// <param name="maxBatch">Units committed in one transaction at most.</param>
    /// <param name="probeInterval">How often a failing store is tried again. Default 1 s.</param>
    public LedgerWriter(IWriteStore store, int capacity = 65_536, int maxBatch = 512, TimeSpan? probeInterval = null)
    {
        _store = store;
        _maxBatch = maxBatch;
        _probeInterval = probeInterval ?? TimeSpan.FromSeconds(1);
        _queue = Channel.CreateBounded<WriteUnit>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _metrics = new LedgerMetrics(() => _queue.Reader.Count);
    }

    /// <summary>The writer thread's name (it shows in /proc and in debuggers; the writer bench reads its CPU time by it).</summary>
    public const string ThreadName = "ledger-writer";

    public bool IsRunning => _thread is not null && !_stopped.Task.IsCompleted;

    public StoreHealth Health { get; } = new();

    public bool IsHealthy => Health.IsHealthy;

    /// <summary>Units queued and not yet committed.</summary>
    public int QueueDepth => _queue.Reader.Count;

    public void Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = ThreadName };
        if (Interlocked.CompareExchange(ref _thread, thread, null) is null)
            thread.Start();
    }

    /// <summary>Queues the row; completes with its id once the row and its debit are committed.</summary>
    public Task<long> AppendAsync(LogRecord row, CancellationToken cancellationToken = default) => EnqueueAsync(new WriteUnit(row), cancellationToken);

    /// <summary>Queues work and completes when its batch has committed, with the work's result.</summary>
    public Task<long> ExecuteAsync(StoreWork work, CancellationToken cancellationToken = default) => EnqueueAsync(new WriteUnit(work), cancellationToken);

    /// <summary>
    /// Like <see cref="ExecuteAsync"/>, always on the writer's thread (never committed inline on the
    /// caller's): for background work no request waits on, which must not hold its caller's thread, for
    /// instance through a busy timeout.
    /// </summary>
    public Task<long> ExecuteOnWriterThreadAsync(StoreWork work, CancellationToken cancellationToken = default) =>
        EnqueueAsync(new WriteUnit(work), cancellationToken, mayCommitInline: false);

    // Not async: the unit's own task is returned as it is, so a request waiting for its commit pays for no
    // state machine of ours (the channel takes the unit at once unless the queue is full).
    private Task<long> EnqueueAsync(WriteUnit unit, CancellationToken cancellationToken, bool mayCommitInline = true)
    {
        try
        {
            if (mayCommitInline && TryCommitInline(unit))
                return unit.Completion.Task;
            var queued = _queue.Writer.WriteAsync(unit, cancellationToken);
            if (!queued.IsCompletedSuccessfully)
                return WaitForRoomAsync(queued, unit);
            queued.GetAwaiter().GetResult();
            return unit.Completion.Task;
        }
        catch (Exception ex)
        {
            // As from an async method: the caller's task faults, the call itself never throws.
            return Task.FromException<long>(ex);
        }
    }

    private static async Task<long> WaitForRoomAsync(ValueTask queued, WriteUnit unit)
    {
        await queued;
        return await unit.Completion.Task;
    }

    /// <summary>Commits a lone unit on the caller's thread when the writer has nothing queued and is not committing.</summary>
    private bool TryCommitInline(WriteUnit unit)
    {
        if (_closing || _queue.Reader.Count > 0 || !Health.IsHealthy
            || System.Diagnostics.Stopwatch.GetTimestamp() - Volatile.Read(ref _lastCommitEnd) < InlineAfterIdleTicks
            || !Monitor.TryEnter(_commitLock))
            return false;
        try
        {
            // Checked again under the lock: queued units go first, in order.
            if (_session is not { } session || _closing || _queue.Reader.Count > 0 || !Health.IsHealthy)
                return false;
            _inline.Add(unit);
            Commit(session, _inline);
            return true;
        }
        finally
        {
            _inline.Clear();
            Monitor.Exit(_commitLock);
        }
    }

    private void Run()
    {
        try
        {
            using var session = _store.OpenSession();
            lock (_commitLock)
                _session = session;
            var batch = new List<WriteUnit>(_maxBatch);
            try
            {
                while (WaitForWork(session))
                {
                    lock (_commitLock)
                    {
                        while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var unit))
                            batch.Add(unit);
                        if (batch.Count > 0)
                            Commit(session, batch);
                    }
                    batch.Clear();
                }
            }
            finally
            {
                lock (_commitLock)
                    _session = null;
            }
            _stopped.TrySetResult();
        }
        catch (Exception ex)
        {
            _stopped.TrySetException(ex);
        }
    }

    /// <summary>Waits for work; while the store is failing, probes it every interval so it recovers unattended.</summary>
    private bool WaitForWork(IWriteSession session)
    {
        while (!Health.IsHealthy)
        {
            Probe(session);
            if (Health.IsHealthy)
                break;
            using var timeout = new CancellationTokenSource(_probeInterval);
            try
            {
                return Block(_queue.Reader.WaitToReadAsync(timeout.Token));
            }
            catch (OperationCanceledException)
            {
            }
        }
        return Block(_queue.Reader.WaitToReadAsync());
    }

    // The writer owns its thread, so it may block on the channel; work queued meanwhile is already there.
    // It sleeps on the task's wait handle: GetResult() would spin first (sched_yield in a loop), and on a
    // two-core box that spin took ~10 % of the writer thread's CPU from the requests it was waiting for.
    private static bool Block(ValueTask<bool> wait)
    {
        if (wait.IsCompleted)
            return wait.Result;
        var task = wait.AsTask();
        ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
        return task.GetAwaiter().GetResult();
    }

    private void Probe(IWriteSession session)
    {
        // Under the commit lock: the probe uses the writer's session, as an inline commit would.
        lock (_commitLock)
        {
            try
            {
                session.Probe();
                Health.ReportSuccess();
            }
            catch (Exception ex)
            {
                Health.ReportFailure(ex);
            }
        }
    }

    /// <summary>Runs one batch and completes its units; under <see cref="_commitLock"/>.</summary>
    private void Commit(IWriteSession session, List<WriteUnit> batch)
    {
        try
        {
            CommitLocked(session, batch);
        }
        finally
        {
            Volatile.Write(ref _lastCommitEnd, System.Diagnostics.Stopwatch.GetTimestamp());
        }
    }

    private void CommitLocked(IWriteSession session, List<WriteUnit> batch)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var results = new long[batch.Count];
        var failures = new Exception?[batch.Count];
        try
        {
            session.RunBatch(batch, results, failures);
        }
        catch (Exception ex)
        {
            // The commit itself failed (disk full, locked, file gone): nothing in this batch is durable.
            Health.ReportFailure(ex);
            _metrics.Failures.Add(1);
            foreach (var unit in batch)
                unit.Completion.TrySetException(ex);
            return;
        }
        Health.ReportSuccess();
        var committed = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        for (var i = 0; i < batch.Count; i++)
        {
            if (failures[i] is { } failure)
                batch[i].Completion.TrySetException(failure);
            else
                batch[i].Completion.TrySetResult(results[i]);
        }
        // After the units are released: the exporter's bridge costs ~1 µs a measurement, and the requests waited enough.
        _metrics.CommitSeconds.Record(committed.TotalSeconds);
        _metrics.BatchSize.Record(batch.Count);
    }

    /// <summary>Stops taking work and commits everything already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_closing)
            return;   // registered under two service types, disposed by the container once for each
        _closing = true;
        _queue.Writer.TryComplete();
        if (_thread is not null)
            await _stopped.Task;
        _metrics.Dispose();
    }
}
