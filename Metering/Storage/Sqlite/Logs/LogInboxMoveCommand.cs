using Metering.Storage.Sqlite.Engine;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Logs;

/// <summary>
/// Moves the oldest rows of <c>log_inbox</c> into <c>logs</c>, ids kept, in the caller's transaction
/// (see <see cref="LogInbox"/>). Prepared once per connection.
/// </summary>
internal sealed class LogInboxMoveCommand : IDisposable
{
    // MAX over no rows is NULL, which reads as 0: nothing to move.
    private readonly PreparedStatement _lastOfChunk;
    private readonly PreparedStatement _copy;
    private readonly PreparedStatement _delete;

    private LogInboxMoveCommand(SqliteConnection connection)
    {
        _lastOfChunk = new PreparedStatement(connection, "SELECT MAX(id) FROM (SELECT id FROM log_inbox ORDER BY id LIMIT ?1)");
        _copy = new PreparedStatement(connection, $"INSERT INTO logs ({LogInsertCommand.Columns}) SELECT {LogInsertCommand.Columns} FROM log_inbox WHERE id <= ?1 ORDER BY id");
        _delete = new PreparedStatement(connection, "DELETE FROM log_inbox WHERE id <= ?1");
    }

    public static LogInboxMoveCommand For(SqliteConnection connection) => PerConnection<LogInboxMoveCommand>.Get(connection, static c => new LogInboxMoveCommand(c));

    /// <summary>Moves up to <paramref name="maxRows"/> of the oldest rows; returns how many moved.</summary>
    public int Move(int maxRows)
    {
        _lastOfChunk.Bind(1, maxRows);
        var upTo = _lastOfChunk.QueryInt64();
        if (upTo == 0)
            return 0;
        _copy.Bind(1, upTo);
        var moved = _copy.Execute();
        _delete.Bind(1, upTo);
        _delete.Execute();
        return moved;
    }

    public void Dispose()
    {
        _lastOfChunk.Dispose();
        _copy.Dispose();
        _delete.Dispose();
    }
}
