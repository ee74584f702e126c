using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Engine;

/// <summary>SQLite work for the writer: runs on the writer's connection, inside the batch's transaction.</summary>
internal static class SqliteWork
{
    public delegate long Work(SqliteConnection connection, SqliteTransaction transaction);

    public static Task<long> ExecuteAsync(this IWriteQueue queue, Work work, CancellationToken cancellationToken = default) =>
        queue.ExecuteAsync(Adapt(work), cancellationToken);

    public static Task<long> ExecuteOnWriterThreadAsync(this IWriteQueue queue, Work work, CancellationToken cancellationToken = default) =>
        queue.ExecuteOnWriterThreadAsync(Adapt(work), cancellationToken);

    private static StoreWork Adapt(Work work) => session =>
    {
        var sqlite = (SqliteWriteSession)session;
        return work(sqlite.Connection, sqlite.Transaction);
    };
}
