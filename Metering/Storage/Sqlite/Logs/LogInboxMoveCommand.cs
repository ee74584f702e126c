using Metering.Storage.Sqlite.Engine;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Logs;

/// <summary>
/// The two halves of an inbox move (see <see cref="LogInbox"/>), prepared once per connection: the copy
/// of the oldest rows not yet in <c>logs</c>, ids kept (on the log file's writer), and the trim of the
/// rows the log holds from <c>log_inbox</c> (on the ledger's writer).
/// </summary>
internal sealed class LogInboxMoveCommand : IDisposable
{
    // MAX over no rows is NULL, which reads as 0.
    private readonly PreparedStatement _lastInLog;
    private readonly PreparedStatement _copy;
    private readonly PreparedStatement _trim;

    private LogInboxMoveCommand(SqliteConnection connection)
    {
        _lastInLog = new PreparedStatement(connection, "SELECT MAX(id) FROM logs");
        _copy = new PreparedStatement(connection,
            $"INSERT INTO logs ({LogInsertCommand.Columns}) SELECT {LogInsertCommand.Columns} FROM log_inbox WHERE id > ?1 ORDER BY id LIMIT ?2");
        _trim = new PreparedStatement(connection, "DELETE FROM log_inbox WHERE id <= ?1");
    }

    public static LogInboxMoveCommand For(SqliteConnection connection) => PerConnection<LogInboxMoveCommand>.Get(connection, static c => new LogInboxMoveCommand(c));

    /// <summary>
    /// Copies up to <paramref name="maxRows"/> of the oldest inbox rows above the log's newest id; returns
    /// how many, and the log's newest id after the copy (every inbox row up to it is in the log).
    /// </summary>
    public (int Copied, long LogHoldsUpTo) Copy(int maxRows)
    {
        var last = _lastInLog.QueryInt64();
        _copy.Bind(1, last);
        _copy.Bind(2, maxRows);
        var copied = _copy.Execute();
        return (copied, copied == 0 ? last : _lastInLog.QueryInt64());
    }

    /// <summary>Deletes the inbox rows up to <paramref name="upTo"/>, which the log holds; returns how many.</summary>
    public long Trim(long upTo)
    {
        _trim.Bind(1, upTo);
        return _trim.Execute();
    }

    public void Dispose()
    {
        _lastInLog.Dispose();
        _copy.Dispose();
        _trim.Dispose();
    }
}
