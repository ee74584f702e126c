using Dapper;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Logs;

/// <summary>Deletes log rows older than a cut-off, a small batch at a time, on the log file's writer.</summary>
public static class LogRetention
{
    // Only rows already in the rollups go (their sums outlive them), oldest first; never the newest
    // row, whose id SQLite would otherwise hand out again and confuse the rollup watermark.
    private const string DeleteSql = """
        DELETE FROM logs WHERE id IN (
            SELECT id FROM logs
            WHERE time_ms < @cutoffMs AND id <= (SELECT last_id FROM log_rollup_state) AND id < (SELECT MAX(id) FROM logs)
            ORDER BY time_ms LIMIT @batchRows)
        """;

    /// <summary>Returns the number of rows deleted; fewer than <paramref name="batchRows"/> means done for now.</summary>
    public static long DeleteBatch(SqliteConnection connection, SqliteTransaction transaction, long cutoffMs, int batchRows) =>
        connection.Execute(DeleteSql, new { cutoffMs, batchRows }, transaction);
}
