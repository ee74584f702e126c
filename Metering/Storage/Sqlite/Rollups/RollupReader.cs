using Metering.Storage.Aggregates;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Rollups;

/// <summary>
/// Reads log rows past the rollup watermarks on a reader connection (not the writer's) and sums them
/// per family partition, one chunk each. A chunk stops growing once any family's chunk would write more
/// rollup rows than a short writer unit should, or after a cap on rows read: the writer then spends
/// about a millisecond per chunk instead of the whole aggregation.
/// </summary>
internal static class RollupReader
{
    private const string RowsSql = """
        SELECT id, time_ms, type, COALESCE(account_id, 0), token_name, grp, model, spend_nano,
               input_tokens, output_tokens, cached_tokens, cache_write_tokens, duration_ms, first_token_ms
        FROM logs WHERE id > @from AND id <= @upToId ORDER BY id
        """;

    /// <summary>Each family partition's watermark: the id up to which the family's tables hold that partition's rows.</summary>
    public static Dictionary<(string Family, int Part), long> Watermarks(SqliteConnection connection, SqliteTransaction? transaction = null) =>
        connection.Query<(string Family, long Part, long LastId)>("SELECT family, part, last_id FROM log_rollup_family_state", transaction: transaction)
            .ToDictionary(w => (w.Family, (int)w.Part), w => w.LastId);

    /// <summary>The next chunk of every family partition that is behind; empty when all are caught up.</summary>
    public static IReadOnlyList<RollupChunk> ReadChunks(SqliteConnection connection, int maxRollupRowsPerChunk, int maxLogRows, long upToId)
    {
        using var snapshot = connection.BeginTransaction(deferred: true);
        var watermarks = Watermarks(connection, snapshot);
        var byFamily = RollupFamily.All.Select(f => Enumerable.Range(0, f.Partitions).Select(p => new RollupChunk(f, p, watermarks[(f.Name, p)])).ToArray()).ToArray();
        var chunks = byFamily.SelectMany(c => c).ToArray();
        var from = chunks.Min(c => c.FromId);
        var last = from;
        var read = 0;
        var full = false; // some chunk holds as many rollup rows as a writer unit should write
        using var reader = connection.ExecuteReader(RowsSql, new { from, upToId }, snapshot);
        while (read < maxLogRows && !full && reader.Read())
        {
            var row = new RollupRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10),
                reader.GetInt64(11), reader.IsDBNull(12) ? null : reader.GetInt64(12), reader.IsDBNull(13) ? null : reader.GetInt64(13));
            foreach (var partitions in byFamily)
            {
                var chunk = partitions[partitions[0].Family.PartitionOf(row.AccountId)];
                if (row.Id > chunk.FromId)
                {
                    chunk.Add(row);
                    full |= chunk.RowCount >= maxRollupRowsPerChunk;
                }
            }
            last = row.Id;
            read++;
        }
        foreach (var chunk in chunks)
            chunk.ToId = Math.Max(chunk.FromId, last);
        return chunks.Where(c => c.ToId > c.FromId).ToArray();
    }
}
