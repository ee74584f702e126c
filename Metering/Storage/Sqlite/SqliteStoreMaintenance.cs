using Metering.Storage.Sqlite.Engine;
using Metering.Storage.Sqlite.Logs;
using Metering.Storage.Sqlite.Rollups;

namespace Metering.Storage.Sqlite;

/// <summary>
/// The SQLite store's start-up, health and background work: migrations, a read that proves the file
/// answers, the inbox mover, and, on the log file's writer, rollups and retention batches; passive WAL checkpoints.
/// </summary>
public sealed class SqliteStoreMaintenance(SqliteDatabase database, LogFileWriter logFile, LogInbox inbox) : IStoreEngine, IStoreMaintenance
{
    public void Migrate() => Migrations.Apply(database);

    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM accounts WHERE id = 0";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public Task RunLogMoverAsync(CancellationToken cancellationToken) => inbox.RunMoverAsync(LogInbox.DefaultGatherTime, cancellationToken);

    public Task<long> MoveLogsAsync(CancellationToken cancellationToken = default) => inbox.MoveAllAsync(cancellationToken);

    public Task<long> RollUpAsync(int maxLogRowsPerChunk, CancellationToken cancellationToken = default) =>
        RollupBuilder.CatchUpAsync(database, logFile, maxLogRowsPerChunk, cancellationToken: cancellationToken);

    public async Task<long> RollupLagAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE((SELECT MAX(id) FROM logs), 0) - (SELECT last_id FROM log_rollup_state)";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public Task<long> DeleteLogsBeforeAsync(long cutoffMs, int batchRows, CancellationToken cancellationToken = default) =>
        logFile.RunAsync((connection, transaction) => LogRetention.DeleteBatch(connection, transaction, cutoffMs, batchRows), cancellationToken);

    public Task CheckpointAsync(CancellationToken cancellationToken = default) => database.CheckpointAsync(cancellationToken);
}
