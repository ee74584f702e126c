using Metering.Logs;

namespace Metering.Storage;

/// <summary>Store work that is not a row append (an admin change, a rollup chunk, an inbox move), run inside a write batch.</summary>
public delegate long StoreWork(IWriteSession session);

/// <summary>
/// One piece of writer work and the task its caller awaits: a row to append with its debit, or other
/// store work. A row carries no closure: the session inserts it and sums its debit per account.
/// </summary>
public sealed class WriteUnit
{
    public WriteUnit(LogRecord row) => Row = row;

    public WriteUnit(StoreWork work) => Work = work;

    public LogRecord? Row { get; }

    public StoreWork? Work { get; }

    public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
