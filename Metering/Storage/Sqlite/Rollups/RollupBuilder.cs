using Dapper;
using Metering.Storage.Aggregates;
using Metering.Storage.Sqlite.Engine;
using Metering.Storage.Sqlite.Logs;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Rollups;

/// <summary>
/// Folds log rows into the rollup tables by id: rows with ids up to their family partition's watermark
/// (<c>log_rollup_family_state</c>) are counted in its tables exactly once, whatever their time. The
/// rows are read and summed on a reader connection (<see cref="RollupReader"/>); the log file's writer
/// (<see cref="LogFileWriter"/>, never the ledger's, so no request's commit waits on this) only runs the
/// small upserts, one chunk (a family, or an account partition of one) per transaction (~1 ms), so the
/// inbox mover never waits long behind an aggregation. Readers add the rows above the watermark themselves.
/// </summary>
public static class RollupBuilder
{
    /// <summary>Rollup rows one transaction inserts or updates at most (about a millisecond of the log file's writer).</summary>
    public const int DefaultRollupRowsPerUnit = 256;

    /// <summary>
    /// Rolls up to the newest row at the time of the call, chunk after chunk; returns how many ids the
    /// rollups moved past (counted once for all families).
    /// </summary>
    public static async Task<long> CatchUpAsync(SqliteDatabase database, LogFileWriter logFile, int maxLogRowsPerChunk,
        int maxRollupRowsPerUnit = DefaultRollupRowsPerUnit, CancellationToken cancellationToken = default)
    {
        long newest;
        await using (var connection = await database.OpenAsync(cancellationToken))
            newest = await connection.ExecuteScalarAsync<long?>("SELECT MAX(id) FROM logs") ?? 0;
        long covered = 0, step;
        do
        {
            step = await StepAsync(database, logFile, maxLogRowsPerChunk, maxRollupRowsPerUnit, newest, cancellationToken);
            covered += step;
        }
        while (step > 0);
        return covered;
    }

    /// <summary>
    /// One chunk per family that is behind, at most <paramref name="maxLogRows"/> log rows and no later
    /// than <paramref name="upToId"/>; returns how far the oldest watermark moved (0: nothing to do).
    /// </summary>
    public static async Task<long> StepAsync(SqliteDatabase database, LogFileWriter logFile, int maxLogRows,
        int maxRollupRowsPerUnit = DefaultRollupRowsPerUnit, long upToId = long.MaxValue, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<RollupChunk> chunks;
        await using (var connection = await database.OpenAsync(cancellationToken))
            chunks = RollupReader.ReadChunks(connection, maxRollupRowsPerUnit, maxLogRows, upToId);
        long oldestBefore = long.MaxValue, oldestAfter = long.MaxValue;
        foreach (var chunk in chunks)
        {
            var applied = await logFile.RunAsync((connection, _) => RollupUpsertCommand.For(connection).Apply(chunk) ? 1 : 0, cancellationToken);
            oldestBefore = Math.Min(oldestBefore, chunk.FromId);
            oldestAfter = Math.Min(oldestAfter, applied == 1 ? chunk.ToId : chunk.FromId);
        }
        return chunks.Count == 0 ? 0 : oldestAfter - oldestBefore;
    }

    /// <summary>
    /// Everything at once on one connection, no writer (a bulk load, such as the query bench's seed):
    /// chunks of <paramref name="maxLogRows"/> rows, each applied in its own transaction.
    /// </summary>
    public static void CatchUp(SqliteConnection connection, int maxLogRows, Action<long>? progress = null)
    {
        while (RollupReader.ReadChunks(connection, int.MaxValue, maxLogRows, long.MaxValue) is { Count: > 0 } chunks)
        {
            using var transaction = connection.BeginTransaction();
            foreach (var chunk in chunks)
                RollupUpsertCommand.For(connection).Apply(chunk);
            transaction.Commit();
            progress?.Invoke(chunks.Max(c => c.ToId));
        }
    }

    /// <summary>The id up to which rows are in every family's rollups.</summary>
    public static long Watermark(SqliteConnection connection, SqliteTransaction? transaction = null) =>
        connection.ExecuteScalar<long>("SELECT last_id FROM log_rollup_state", transaction: transaction);

    /// <summary>
    /// The condition on <c>logs</c> for rows the family's rollups do not hold yet: above the oldest of its
    /// watermarks (a walk by id), and above the watermark of the row's own partition.
    /// </summary>
    internal static string NotRolledUpSql(RollupFamily? family)
    {
        if (family is null)
            return "id > (SELECT last_id FROM log_rollup_state)";
        var oldest = $"id > (SELECT MIN(last_id) FROM log_rollup_family_state WHERE family = '{family.Name}')";
        return family.Partitions == 1
            ? oldest
            : $"{oldest} AND id > (SELECT last_id FROM log_rollup_family_state WHERE family = '{family.Name}' " +
              $"AND part = COALESCE(logs.account_id, 0) % {RollupFamily.AccountPartitions})";
    }

    /// <summary>
    /// Adds one rollup row's sums to the table's row for the same bucket and dimensions; parameters by
    /// position in the order of the columns (bucket, dimensions, sums, extremes, histogram).
    /// </summary>
    internal static string UpsertSql(RollupFamily family, long grainMs)
    {
        var columns = new[] { "bucket_ms" }.Concat(family.Dimensions).Concat(RollupColumns.Additive).Concat(RollupColumns.Extremes).Concat(RollupColumns.Histogram().Select(c => c.Name)).ToList();
        var sums = RollupColumns.Additive.Concat(RollupColumns.Histogram().Select(c => c.Name));
        return $"""
            INSERT INTO {family.Table(grainMs)} ({string.Join(", ", columns)})
            VALUES ({string.Join(", ", columns.Select((_, i) => $"?{i + 1}"))})
            ON CONFLICT (bucket_ms, {string.Join(", ", family.Dimensions)}) DO UPDATE SET {string.Join(", ", sums.Select(c => $"{c} = {c} + excluded.{c}"))},
                {Extreme("duration_min", "MIN")}, {Extreme("duration_max", "MAX")},
                {Extreme("first_token_min", "MIN")}, {Extreme("first_token_max", "MAX")}
            """;
    }

    // SQLite's two-argument MIN/MAX return NULL when either side is NULL; a side without values must not win.
    private static string Extreme(string column, string function) =>
        $"{column} = {function}(COALESCE({column}, excluded.{column}), COALESCE(excluded.{column}, {column}))";
}
