using System.Threading.Channels;

namespace Metering.Storage.Sqlite.Logs;

/// <summary>
/// Whether rows may be waiting in the inbox: raised by the first row to land after a move began (on
/// the writer's thread, by <see cref="LogRowInserter"/>), cleared when a move begins (<see cref="LogInbox"/>).
/// It starts raised, and the mover woken, for rows a previous run left behind.
/// </summary>
public sealed class LogInboxSignal
{
    private int _landed = 1;
    private readonly Channel<bool> _wake = CreateWake();

    public bool IsRaised => Volatile.Read(ref _landed) != 0;

    /// <summary>
    /// Writer thread, once the batch that inserted a row has committed and before its callers hear so. Not
    /// before the commit: a move that cleared the signal in between would copy on a snapshot without the
    /// row, and a read after it would skip the move (<see cref="LogInbox"/>).
    /// </summary>
    internal void NoteLanded()
    {
        if (Volatile.Read(ref _landed) == 0 && Interlocked.Exchange(ref _landed, 1) == 0)
            _wake.Writer.TryWrite(true);
    }

    /// <summary>Raised again, and the mover woken, whatever the state (a move failed; its rows still wait).</summary>
    public void Raise()
    {
        Volatile.Write(ref _landed, 1);
        _wake.Writer.TryWrite(true);
    }

    public void Clear() => Volatile.Write(ref _landed, 0);

    /// <summary>Completes when a row has landed since the last wake.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _wake.Reader.ReadAsync(cancellationToken);

    private static Channel<bool> CreateWake()
    {
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        wake.Writer.TryWrite(true);
        return wake;
    }
}
