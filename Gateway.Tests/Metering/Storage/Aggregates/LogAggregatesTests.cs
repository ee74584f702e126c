using Metering.Storage.Aggregates;
using Metering.Ledger;
using Metering.Storage;
using static Gateway.Tests.Metering.Storage.LogRows;
using Metering.Logs;
using Metering.Storage.Sqlite.Rollups;

namespace Gateway.Tests.Metering.Storage.Aggregates;

/// <summary>
/// Totals, stats and groups read through rollups (none, some, all rows rolled up, rows added after)
/// must equal brute force over the same rows, for every filter and for ranges cut mid-hour and mid-day.
/// </summary>
public class LogAggregatesTests
{
    public static TheoryData<string> Queries() => new(QueryCases.Keys);

    private static readonly Dictionary<string, LogQuery> QueryCases = new()
    {
        ["everything"] = new LogQuery(),
        ["type"] = new LogQuery { Type = LogType.Error },
        ["group"] = new LogQuery { Group = "vip" },
        ["model"] = new LogQuery { Model = "m2" },
        ["token_name"] = new LogQuery { TokenName = "k3" },
        ["account"] = new LogQuery { AccountId = 2 },
        ["scope and model"] = new LogQuery { ScopeAccountId = 2, Model = "m1" },
        ["scope and other account"] = new LogQuery { ScopeAccountId = 2, AccountId = 3 },
        ["token and model"] = new LogQuery { TokenName = "k1", Model = "m3" },
        ["scope, model, whole days"] = new LogQuery { ScopeAccountId = 1, Model = "m0", StartMs = T0 + Day, EndMs = T0 + 3 * Day },
        ["mid-hour to mid-day"] = new LogQuery { StartMs = T0 + Hour + 13 * 60_000, EndMs = T0 + 2 * Day + 5 * Hour + 7 },
        ["whole days"] = new LogQuery { StartMs = T0 + Day, EndMs = T0 + 2 * Day },
        ["inside one hour"] = new LogQuery { StartMs = T0 + 5 * Hour + 1, EndMs = T0 + 5 * Hour + 1_800_000 },
        ["whole hours, model"] = new LogQuery { StartMs = T0 + 3 * Hour, EndMs = T0 + 30 * Hour, Model = "m0" },
        ["open start, group"] = new LogQuery { EndMs = T0 + Day + 1, Group = "default" },
        ["open end, token"] = new LogQuery { StartMs = T0 + 10 * Hour + 59_999, TokenName = "k0" },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Aggregates_AnyRollupProgress_MatchBruteForce(string name)
    {
        var query = QueryCases[name];
        await using var store = TempStore.Create();
        var rows = Random(1_500, seed: 7);
        await store.AppendAsync(rows.Take(1_000));

        await AssertMatchesAsync(store.Logs, rows.Take(1_000).ToList(), query);   // nothing rolled up yet
        await store.RollUpAsync(400);
        await AssertMatchesAsync(store.Logs, rows.Take(1_000).ToList(), query);   // part rolled up
        await store.RollUpAsync();
        await store.AppendAsync(rows.Skip(1_000));
        await AssertMatchesAsync(store.Logs, rows, query);                        // all rolled up, fresh rows above
        await store.RollUpAsync();
        await AssertMatchesAsync(store.Logs, rows, query);
    }

    /// <summary>The same on PostgreSQL: its rollup tables, one watermark, and the same answers.</summary>
    [Theory]
    [MemberData(nameof(Queries))]
    [Trait(Fakes.StoreTraits.Name, Fakes.StoreTraits.Postgres)]
    public async Task Postgres_Aggregates_AnyRollupProgress_MatchBruteForce(string name)
    {
        var query = QueryCases[name];
        await using var store = await Postgres.TempPostgresStore.CreateAsync();
        var rows = Random(1_500, seed: 7);
        await store.AppendAsync(rows.Take(1_000));

        await AssertMatchesAsync(store.Logs, rows.Take(1_000).ToList(), query);
        (await store.RollUpAsync(400)).Should().Be(400);
        await AssertMatchesAsync(store.Logs, rows.Take(1_000).ToList(), query);
        await store.RollUpAsync();
        await store.AppendAsync(rows.Skip(1_000));
        await AssertMatchesAsync(store.Logs, rows, query);
        await store.RollUpAsync();
        await AssertMatchesAsync(store.Logs, rows, query);
    }

    internal static async Task AssertMatchesAsync(ILogReader logs, List<LogRecord> rows, LogQuery query)
    {
        var matching = rows.Where(r => Matches(r, query)).ToList();
        var (_, total) = await logs.PageAsync(query, 1, 10);
        total.Should().Be(matching.Count);

        var consumed = matching.Where(r => r.Type == (query.Type ?? LogType.Consume)).ToList();
        var stats = await logs.StatsAsync(query, nowMs: T0 - Day);
        stats.Range.Should().Be(Totals(consumed));
        stats.LastMinute.Should().Be(LogTotals.Zero);

        foreach (var grouping in Enum.GetValues<LogGrouping>().Where(g => g != LogGrouping.None))
        {
            var groups = await logs.GroupAsync(query, grouping);
            var expected = consumed.GroupBy(r => Key(r, grouping)).Select(g => Expected(g.Key, g.ToList(), grouping));
            groups.Should().BeEquivalentTo(expected, $"grouping by {grouping}");
        }
    }

    internal static bool Matches(LogRecord r, LogQuery q) =>
        r.TimeMs >= (q.StartMs ?? long.MinValue) && r.TimeMs < (q.EndMs ?? long.MaxValue)
        && (q.Type is null || r.Type == q.Type) && (q.Group is null || r.Grp == q.Group)
        && (q.TokenName is null || r.TokenName == q.TokenName) && (q.Model is null || r.Model == q.Model)
        && (q.AccountId is null || r.AccountId == q.AccountId) && (q.ScopeAccountId is null || r.AccountId == q.ScopeAccountId);

    internal static LogTotals Totals(IReadOnlyCollection<LogRecord> rows) =>
        new(rows.Count, rows.Sum(r => r.SpendNano), rows.Sum(r => r.InputTokens), rows.Sum(r => r.OutputTokens));

    private static string Key(LogRecord r, LogGrouping grouping) => grouping switch
    {
        LogGrouping.Model => r.Model,
        LogGrouping.TokenName => r.TokenName,
        LogGrouping.Group => r.Grp,
        LogGrouping.Hour => (r.TimeMs / Hour * Hour).ToString(),
        _ => (r.TimeMs / Day * Day).ToString(),
    };

    private static LogGroupStats Expected(string key, List<LogRecord> rows, LogGrouping grouping)
    {
        var time = grouping is LogGrouping.Hour or LogGrouping.Day;
        return new LogGroupStats(time ? null : key, time ? long.Parse(key) : null, Totals(rows),
            Latency(rows.Select(r => r.DurationMs)), Latency(rows.Select(r => r.FirstTokenMs)));
    }

    internal static LatencySummary Latency(IEnumerable<long?> values)
    {
        var present = values.OfType<long>().ToList();
        var counts = new long[LatencyHistogram.BucketCount];
        foreach (var v in present)
            counts[LatencyHistogram.Bounds.Count(b => v >= b)]++;
        long? min = present.Count == 0 ? null : present.Min();
        long? max = present.Count == 0 ? null : present.Max();
        return new(LatencyHistogram.Percentile(counts, min, max, 0.5), LatencyHistogram.Percentile(counts, min, max, 0.95));
    }
}
