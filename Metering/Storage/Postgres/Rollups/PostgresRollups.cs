using Dapper;
using Metering.Storage.Postgres.Engine;
using Npgsql;

namespace Metering.Storage.Postgres.Rollups;

/// <summary>Folds the log into the rollup tables, chunk after chunk, from any instance (one at a time).</summary>
internal static class PostgresRollups
{
    /// <summary>How long a fold waits, at most, for transactions that hold back its horizon (see <see cref="PostgresRollupSql"/>).</summary>
    private static readonly TimeSpan WaitForOpenTransactions = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan WaitStep = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Rolls up the rows whose ids were handed out before the call, <paramref name="maxLogRowsPerChunk"/>
    /// rows a transaction; returns how many ids the watermark moved (0 when caught up, or when another
    /// instance is folding right now).
    /// </summary>
    public static async Task<long> CatchUpAsync(PostgresDatabase database, int maxLogRowsPerChunk, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FoldAsync(connection, maxLogRowsPerChunk, long.MaxValue, cancellationToken);
    }

    /// <summary>
    /// Moves the watermark over at most <paramref name="maxIds"/> ids, chunks of <paramref name="maxLogRowsPerChunk"/>,
    /// up to the ids handed out when it starts, waiting (a second at most) for transactions still open below them.
    /// </summary>
    public static async Task<long> FoldAsync(NpgsqlConnection connection, int maxLogRowsPerChunk, long maxIds,
        CancellationToken cancellationToken = default)
    {
        var waitUntil = DateTime.UtcNow + WaitForOpenTransactions;
        long covered = 0;
        long? target = null;
        while (covered < maxIds)
        {
            // Two statements, in this order: the last id handed out, then the fold, whose xid comes after that read.
            var candidate = await connection.ExecuteScalarAsync<long>(new CommandDefinition(PostgresRollupSql.LastHandedOut, cancellationToken: cancellationToken));
            target ??= candidate;
            var step = await StepAsync(connection, (int)Math.Min(maxLogRowsPerChunk, maxIds - covered), candidate, cancellationToken);
            if (step is null)
                break;   // another instance is folding
            covered += step.Covered;
            if (step.LastId >= target)
                break;
            if (step.Waiting)
            {
                if (DateTime.UtcNow > waitUntil)
                    break;   // the next pass goes on
                await Task.Delay(WaitStep, cancellationToken);
            }
        }
        return covered;
    }

    /// <summary>One fold statement (see <see cref="PostgresRollupSql"/>), read before it; null when another instance holds the watermark.</summary>
    private static Task<FoldStep?> StepAsync(NpgsqlConnection connection, int maxLogRows, long candidate, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<FoldStep?>(new CommandDefinition(PostgresRollupSql.CatchUp,
            new { maxRows = (long)maxLogRows, candidate }, cancellationToken: cancellationToken));

    /// <summary>The id up to which rows are in every rollup table.</summary>
    public const string WatermarkSql = "SELECT last_id FROM log_rollup_state";

    /// <summary>The ids handed out above the watermark.</summary>
    public const string LagSql = $"SELECT ({PostgresRollupSql.LastHandedOut}) - last_id FROM log_rollup_state";

    /// <summary>What one fold did: the ids it moved past, the watermark after it, and whether open transactions held it back.</summary>
    private sealed record FoldStep(long Covered, long LastId, bool Waiting);
}
