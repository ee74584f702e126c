using Metering.Storage.Aggregates;
using Metering.Storage.Sqlite.Engine;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Rollups;

/// <summary>
/// Adds a chunk's sums to its family's tables and moves its partition's watermark, in the writer's
/// transaction; one upsert statement per rollup table, prepared once per connection.
/// </summary>
internal sealed class RollupUpsertCommand : IDisposable
{
    private readonly Dictionary<string, PreparedStatement> _upserts = [];
    private readonly PreparedStatement _watermark;
    private readonly PreparedStatement _advance;
    private readonly PreparedStatement _overall;

    private RollupUpsertCommand(SqliteConnection connection)
    {
        foreach (var family in RollupFamily.All)
            foreach (var grain in family.Grains)
                _upserts[family.Table(grain)] = new PreparedStatement(connection, RollupBuilder.UpsertSql(family, grain));
        _watermark = new PreparedStatement(connection, "SELECT last_id FROM log_rollup_family_state WHERE family = ?1 AND part = ?2");
        _advance = new PreparedStatement(connection, "UPDATE log_rollup_family_state SET last_id = ?3 WHERE family = ?1 AND part = ?2");
        // The oldest family's watermark: what retention may delete (rows every family holds).
        _overall = new PreparedStatement(connection, "UPDATE log_rollup_state SET last_id = (SELECT MIN(last_id) FROM log_rollup_family_state)");
    }

    public static RollupUpsertCommand For(SqliteConnection connection) => PerConnection<RollupUpsertCommand>.Get(connection, static c => new RollupUpsertCommand(c));

    /// <summary>
    /// Applies the chunk if its partition's watermark is still where the chunk was read from; otherwise
    /// (another pass got there first) changes nothing. Returns whether it applied.
    /// </summary>
    public bool Apply(RollupChunk chunk)
    {
        _watermark.Bind(1, chunk.Family.Name);
        _watermark.Bind(2, chunk.Part);
        if (_watermark.QueryInt64() != chunk.FromId)
            return false;
        foreach (var (grainMs, rows) in chunk.Grains)
        {
            var upsert = _upserts[chunk.Family.Table(grainMs)];
            foreach (var (key, sums) in rows)
            {
                var i = 1;
                upsert.Bind(i++, key.BucketMs);
                foreach (var dimension in chunk.Family.Dimensions)
                {
                    if (key.Dimension(dimension) is string text)
                        upsert.Bind(i++, text);
                    else
                        upsert.Bind(i++, key.AccountId); // the one dimension that is not text
                }
                foreach (var value in (long[])[sums.Requests, sums.SpendNano, sums.InputTokens, sums.OutputTokens, sums.CachedTokens, sums.CacheWriteTokens])
                    upsert.Bind(i++, value);
                foreach (var value in (long?[])[sums.DurationMin, sums.DurationMax, sums.FirstTokenMin, sums.FirstTokenMax])
                    upsert.Bind(i++, value);
                foreach (var count in sums.Histogram)
                    upsert.Bind(i++, count);
                upsert.Execute();
            }
        }
        _advance.Bind(1, chunk.Family.Name);
        _advance.Bind(2, chunk.Part);
        _advance.Bind(3, chunk.ToId);
        _advance.Execute();
        _overall.Execute();
        return true;
    }

    public void Dispose()
    {
        foreach (var upsert in _upserts.Values)
            upsert.Dispose();
        _watermark.Dispose();
        _advance.Dispose();
        _overall.Dispose();
    }
}
