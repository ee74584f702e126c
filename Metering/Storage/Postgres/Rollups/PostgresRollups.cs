using Dapper;
using Metering.Storage.Postgres.Engine;
using Npgsql;

namespace Metering.Storage.Postgres.Rollups;

/// <summary>Folds the log into the rollup tables, chunk after chunk, from any instance (one at a time).</summary>
internal static class PostgresRollups
{
    /// <summary>
    /// Rolls up to the last committed row, <paramref name="maxLogRowsPerChunk"/> rows a transaction; returns
    /// how many ids the watermark moved (0 when caught up, or when another instance is folding right now).
    /// </summary>
    public static async Task<long> CatchUpAsync(PostgresDatabase database, int maxLogRowsPerChunk, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        long covered = 0, step;
        do
        {
            step = await StepAsync(connection, maxLogRowsPerChunk, cancellationToken);
            covered += step;
        }
        while (step == maxLogRowsPerChunk);
        return covered;
    }

    /// <summary>One chunk of at most <paramref name="maxLogRows"/> rows in one transaction; returns how far the watermark moved.</summary>
    public static async Task<long> StepAsync(NpgsqlConnection connection, int maxLogRows, CancellationToken cancellationToken = default) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition(PostgresRollupSql.CatchUp,
            new { maxRows = (long)maxLogRows }, cancellationToken: cancellationToken)) ?? 0;

    /// <summary>The id up to which rows are in every rollup table.</summary>
    public const string WatermarkSql = "SELECT last_id FROM log_rollup_state";
}
