using Metering.Ledger;
using Metering.Storage.Sqlite.Logs;

namespace Metering.Storage.Sqlite.Engine;

/// <summary>The SQLite side of the writer: its session on a connection of its own.</summary>
/// <param name="fsyncEveryCommit">
/// SQLite <c>synchronous=FULL</c>: every commit survives power loss, at an fsync per batch. Off
/// (<c>NORMAL</c>, WAL): every commit survives a crash of the process, the last ones may not survive
/// power loss.
/// </param>
public sealed class SqliteWriteStore(SqliteDatabase database, LogRowInserter rows, AccountStates accounts, bool fsyncEveryCommit = false) : IWriteStore
{
    public IWriteSession OpenSession() => new SqliteWriteSession(database, rows, accounts, fsyncEveryCommit);
}
