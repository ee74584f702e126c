using Metering.Storage.Aggregates;


namespace Metering.Storage.Sqlite.Rollups;

/// <summary>
/// The sums of one family's partition over the log ids <c>(FromId, ToId]</c>, per grain: what one short
/// writer unit adds to the family's tables before it moves that partition's watermark to <c>ToId</c>.
/// </summary>
internal sealed class RollupChunk(RollupFamily family, int part, long fromId)
{
    private readonly long[] _grainMs = family.Grains;
    private readonly Dictionary<RollupKey, RollupAccumulator>[] _grains = family.Grains.Select(_ => new Dictionary<RollupKey, RollupAccumulator>()).ToArray();

    public RollupFamily Family { get; } = family;

    public int Part { get; } = part;

    public long FromId { get; } = fromId;

    /// <summary>The last id read for this chunk (set by the reader: every row up to it is in, whatever its family).</summary>
    public long ToId { get; set; } = fromId;

    /// <summary>Rollup rows this chunk will insert or update, over all grains.</summary>
    public int RowCount { get; private set; }

    public IEnumerable<(long GrainMs, IReadOnlyDictionary<RollupKey, RollupAccumulator> Rows)> Grains =>
        _grainMs.Select((grain, i) => (grain, (IReadOnlyDictionary<RollupKey, RollupAccumulator>)_grains[i]));

    /// <summary>Counts the row into its bucket at every grain, under this family's dimensions only.</summary>
    public void Add(in RollupRow row)
    {
        for (var i = 0; i < _grains.Length; i++)
        {
            var key = Family.KeyOf(row, _grainMs[i]);
            if (!_grains[i].TryGetValue(key, out var sums))
            {
                _grains[i][key] = sums = new RollupAccumulator();
                RowCount++;
            }
            sums.Add(row);
        }
    }
}
