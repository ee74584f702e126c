using Dapper;
using Metering.Storage.Postgres.Engine;
using Metering.Storage.Postgres.Logs;
using Metering.Storage.Postgres.Rollups;
using Npgsql;

namespace Metering.Storage.Postgres;

/// <summary>
/// The PostgreSQL store's start-up, health and background work: migrations under an advisory lock,
/// a read that proves the server answers, log partitions created ahead, retention by whole monthly
/// partitions, and the pruning of old batch ids. There is no inbox to move and no WAL for us to
/// checkpoint (the server does its own), so those are no-ops.
/// </summary>
public sealed class PostgresStoreMaintenance(PostgresDatabase database, LogPartitions partitions, TimeProvider clock) : IStoreEngine, IStoreMaintenance
{
    /// <summary>How long a batch id is kept: it is looked up only right after the commit it belongs to.</summary>
    private static readonly TimeSpan KeepBatchIds = TimeSpan.FromHours(1);

    /// <summary>Drops the ids of batches committed before <c>@before</c> (an index on the time keeps it from reading the whole table).</summary>
    internal const string PruneBatchIdsSql = "DELETE FROM write_batches WHERE committed_ms < @before";

    public void Migrate()
    {
        try
        {
            PostgresMigrations.Apply(database, NowMs);
            using var connection = database.Open();
            partitions.EnsureAhead(connection, NowMs);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // The host, port and database, never the connection string (it may hold a password).
            throw new InvalidOperationException($"PostgreSQL at {database.Describe} cannot be used: {ex.Message}", ex);
        }
    }

    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM accounts WHERE id = 0", cancellationToken: cancellationToken));
    }

    /// <summary>Rows are in the log as soon as they commit: nothing to move; waits until cancelled.</summary>
    public Task RunLogMoverAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    public Task<long> MoveLogsAsync(CancellationToken cancellationToken = default) => Task.FromResult(0L);

    /// <summary>
    /// The periodic upkeep of the log: next months' partitions created ahead, batch ids pruned, and the
    /// rows committed since the last pass folded into the rollups; returns how many ids the rollups moved past.
    /// </summary>
    public async Task<long> RollUpAsync(int maxLogRowsPerChunk, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        partitions.EnsureAhead(connection, NowMs);
        await connection.ExecuteAsync(new CommandDefinition(PruneBatchIdsSql,
            new { before = NowMs - (long)KeepBatchIds.TotalMilliseconds }, cancellationToken: cancellationToken));
        return await PostgresRollups.CatchUpAsync(database, maxLogRowsPerChunk, cancellationToken);
    }

    public async Task<long> RollupLagAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(PostgresRollups.LagSql, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Drops the oldest monthly partition that ends at or before <paramref name="cutoffMs"/> (a DROP is one
    /// catalog change, however many rows it held). Returns <paramref name="batchRows"/> when it dropped one,
    /// so the retention job calls again for the next, and 0 when none is left. Rows of the month the
    /// cut-off falls in stay until that whole month is past it, and a month whose rows are not all in the
    /// rollups yet stays until they are: its sums outlive it.
    /// </summary>
    public async Task<long> DeleteLogsBeforeAsync(long cutoffMs, int batchRows, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var oldest = LogPartitions.List(connection).FirstOrDefault(p => p.EndMs <= cutoffMs);
        if (oldest.Name is null)
            return 0;
        var newestId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition($"SELECT MAX(id) FROM {oldest.Name}", cancellationToken: cancellationToken));
        var rolledUp = await connection.ExecuteScalarAsync<long>(new CommandDefinition(PostgresRollups.WatermarkSql, cancellationToken: cancellationToken));
        if (newestId > rolledUp)
            return 0;
        // The name comes from the catalog and matched logs_YYYY_MM: safe to splice.
        await connection.ExecuteAsync(new CommandDefinition($"DROP TABLE IF EXISTS {oldest.Name}", cancellationToken: cancellationToken));
        partitions.Forget(oldest.StartMs);
        return batchRows;
    }

    public Task CheckpointAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
