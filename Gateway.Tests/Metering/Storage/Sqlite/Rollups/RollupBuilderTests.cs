using Metering.Storage.Aggregates;
using Metering.Ledger;
using Metering.Storage;
using static Gateway.Tests.Metering.Storage.LogRows;
using Metering.Logs;
using Metering.Storage.Sqlite;
using Metering.Storage.Sqlite.Rollups;
using Metering.Storage.Sqlite.Engine;

namespace Gateway.Tests.Metering.Storage.Sqlite.Rollups;

/// <summary>
/// Rollups summed off the writer and written a family chunk per unit: each read uses one family and
/// that family's watermark, so answers stay exact while families stand at different ids.
/// </summary>
public class RollupBuilderTests
{
    private static readonly LogQuery Everything = new() { StartMs = T0, EndMs = T0 + 3 * Day };

    [Fact]
    public async Task Apply_OnlySomeFamiliesAndPartitionsCaughtUp_EveryReadStillExact()
    {
        await using var store = TempStore.Create();
        var rows = Random(600, seed: 11);
        await store.AppendAsync(rows);
        var chunks = await ReadChunksAsync(store, maxRollupRows: int.MaxValue);

        await ApplyAsync(store, chunks.Single(c => c.Family == RollupFamily.ByGroup));
        await ApplyAsync(store, chunks.Single(c => c.Family == RollupFamily.ByKey && c.Part == RollupFamily.ByKey.PartitionOf(2)));

        // Unfiltered stats read the group family (caught up), a model filter the model family (not yet),
        // a token filter the key family (account 2's partition caught up, the others not).
        (await store.Logs.StatsAsync(Everything, nowMs: T0 - Day)).Range.Should().Be(Totals(rows, _ => true));
        (await store.Logs.StatsAsync(Everything with { Model = "m1" }, nowMs: T0 - Day)).Range.Should().Be(Totals(rows, r => r.Model == "m1"));
        (await store.Logs.StatsAsync(Everything with { Group = "default" }, nowMs: T0 - Day)).Range.Should().Be(Totals(rows, r => r.Grp == "default"));
        foreach (var token in new[] { "k2", "k3", "k4" })
            (await store.Logs.StatsAsync(Everything with { TokenName = token }, nowMs: T0 - Day)).Range.Should().Be(Totals(rows, r => r.TokenName == token));
    }

    [Fact]
    public async Task Apply_ChunkReadBeforeAnotherPassMovedTheWatermark_ChangesNothing()
    {
        await using var store = TempStore.Create();
        var rows = Random(300, seed: 12);
        await store.AppendAsync(rows);
        var stale = await ReadChunksAsync(store, maxRollupRows: int.MaxValue);
        await store.RollUpAsync();

        foreach (var chunk in stale)
            (await ApplyAsync(store, chunk)).Should().BeFalse();

        (await store.Logs.StatsAsync(Everything, nowMs: T0 - Day)).Range.Should().Be(Totals(rows, _ => true));
    }

    /// <summary>What /metrics' gateway_rollup_lag_ids reads: the log's rows above the watermark.</summary>
    [Fact]
    public async Task RollupLag_RowsAboveTheWatermark_NoneOnceRolledUp()
    {
        await using var store = TempStore.Create();
        var maintenance = new SqliteStoreMaintenance(store.Database, store.LogFile, store.Inbox);
        await store.AppendAsync(Random(300, seed: 14));

        (await maintenance.RollupLagAsync()).Should().Be(300);
        await store.RollUpAsync(120);
        (await maintenance.RollupLagAsync()).Should().Be(180);
        await store.RollUpAsync();
        (await maintenance.RollupLagAsync()).Should().Be(0);
    }

    [Fact]
    public async Task ReadChunks_RollupRowLimit_EachWriterUnitStaysSmall()
    {
        await using var store = TempStore.Create();
        await store.AppendAsync(Random(2_000, seed: 13));

        var chunks = await ReadChunksAsync(store, maxRollupRows: 40);

        // The limit is checked before each log row, which adds one rollup row per grain at most.
        chunks.Should().NotBeEmpty().And.OnlyContain(c => c.RowCount <= 40 + c.Family.Grains.Length);
        chunks.Should().Contain(c => c.RowCount >= 40, "some chunk reached the limit, so the read stopped there");
        chunks.Select(c => c.ToId).Distinct().Should().ContainSingle("every family partition moves to the same id")
            .Which.Should().BeLessThan(2_000, "the read stopped before the last row");
    }

    [Fact]
    public async Task CatchUp_SmallUnits_MatchesTheLogExactly()
    {
        await using var store = TempStore.Create();
        var rows = Random(1_000, seed: 14);
        await store.AppendAsync(rows);

        await store.RollUpAsync(maxRollupRowsPerUnit: 8);

        await using var connection = await store.Database.OpenAsync();
        RollupReader.Watermarks(connection).Values.Should().AllBeEquivalentTo(rows.Count);
        RollupBuilder.Watermark(connection).Should().Be(rows.Count);
        (await store.Logs.StatsAsync(Everything with { TokenName = "k3" }, nowMs: T0 - Day)).Range.Should().Be(Totals(rows, r => r.TokenName == "k3"));
    }

    private static async Task<IReadOnlyList<RollupChunk>> ReadChunksAsync(TempStore store, int maxRollupRows)
    {
        await using var connection = await store.Database.OpenAsync();
        return RollupReader.ReadChunks(connection, maxRollupRows, int.MaxValue, long.MaxValue);
    }

    private static async Task<bool> ApplyAsync(TempStore store, RollupChunk chunk) =>
        await store.Writer.ExecuteAsync((connection, _) => RollupUpsertCommand.For(connection).Apply(chunk) ? 1 : 0) == 1;

    private static LogTotals Totals(IEnumerable<LogRecord> rows, Func<LogRecord, bool> filter)
    {
        var consumed = rows.Where(r => r.Type == LogType.Consume && filter(r)).ToList();
        return new LogTotals(consumed.Count, consumed.Sum(r => r.SpendNano), consumed.Sum(r => r.InputTokens), consumed.Sum(r => r.OutputTokens));
    }
}
