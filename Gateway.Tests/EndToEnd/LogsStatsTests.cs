using System.Net;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Metering.Ledger;
using Metering.Pricing;
using static Gateway.Tests.Metering.Storage.LogRows;
using Metering.Logs;

namespace Gateway.Tests.EndToEnd;

/// <summary>SPEC §7 <c>GET /logs/stats</c>: sums over the range, rates over the last minute, and <c>group_by</c> lines.</summary>
public class LogsStatsTests
{
    [Fact]
    public async Task Stats_Range_EqualsTheSumOfItsConsumeRows()
    {
        await using var host = await GatewayHost.StartAsync();
        var rows = Random(300, seed: 11, days: 2);
        await host.SeedAsync(rows);
        const string range = "start=2025-03-01T05:30:00Z&end=2025-03-02T17:00:00.001Z";

        var (_, stats) = await host.GetJsonAsync($"/logs/stats?{range}&model=m1");
        var (_, list) = await host.GetJsonAsync($"/logs?{range}&model=m1&type=consume&page_size=1000");

        var items = list.GetProperty("items").EnumerateArray().ToList();
        items.Should().NotBeEmpty();
        stats.GetProperty("requests").GetInt64().Should().Be(items.Count);
        stats.GetProperty("spend").GetDecimal().Should().Be(items.Sum(r => r.GetProperty("spend").GetDecimal()));
        stats.GetProperty("input_tokens").GetInt64().Should().Be(items.Sum(r => r.GetProperty("input_tokens").GetInt64()));
        stats.GetProperty("output_tokens").GetInt64().Should().Be(items.Sum(r => r.GetProperty("output_tokens").GetInt64()));
        stats.GetProperty("type").GetString().Should().Be(LogType.Consume);
        stats.GetProperty("range").GetProperty("start").GetString().Should().Be("2025-03-01T05:30:00.000Z");
        stats.GetProperty("range").GetProperty("end").GetString().Should().Be("2025-03-02T17:00:00.001Z");
        stats.GetProperty("rpm").GetInt64().Should().Be(0, "the rows are old; the rate window is the last minute");
    }

    [Fact]
    public async Task Stats_Spend_ExactNanoSumWithoutFloatingPoint()
    {
        await using var host = await GatewayHost.StartAsync();
        await host.SeedAsync([Row(T0, spendNano: 100_000_001), Row(T0 + 1, spendNano: 200_000_002), Row(T0 + 2, spendNano: 1)]);

        var (_, stats) = await host.GetJsonAsync("/logs/stats");

        stats.GetProperty("spend").GetRawText().Should().Be("0.300000004");
    }

    [Fact]
    public async Task Stats_LastMinute_RpmAndTpmWithTheSameFiltersButTime()
    {
        await using var host = await GatewayHost.StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await host.SeedAsync(
        [
            Row(now - 10_000, model: "m1", input: 100, output: 20),
            Row(now - 20_000, model: "m1", input: 1, output: 2),
            Row(now - 30_000, model: "m2", input: 1_000, output: 1_000),
            Row(now - 30_000, model: "m1", type: LogType.Error, input: 0, output: 0),
            Row(now - 120_000, model: "m1", input: 5_000, output: 5_000),
        ]);

        var (_, stats) = await host.GetJsonAsync($"/logs/stats?model=m1&start={(now - 3_600_000) / 1000}");

        stats.GetProperty("rpm").GetInt64().Should().Be(2);
        stats.GetProperty("tpm").GetInt64().Should().Be(123);
        stats.GetProperty("requests").GetInt64().Should().Be(3, "the range holds the older row too");
        var window = stats.GetProperty("rate_window");
        (DateTimeOffset.Parse(window.GetProperty("end").GetString()!) - DateTimeOffset.Parse(window.GetProperty("start").GetString()!))
            .Should().Be(TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData("model")]
    [InlineData("token_name")]
    [InlineData("group")]
    [InlineData("hour")]
    [InlineData("day")]
    public async Task Stats_GroupBy_OneLinePerGroupSummingToTheTotal(string groupBy)
    {
        await using var host = await GatewayHost.StartAsync();
        var rows = Random(400, seed: 5, days: 3);
        await host.SeedAsync(rows);

        var (status, stats) = await host.GetJsonAsync($"/logs/stats?group_by={groupBy}&start=2025-03-01T07:15:00Z");

        status.Should().Be(HttpStatusCode.OK);
        stats.GetProperty("group_by").GetString().Should().Be(groupBy);
        var groups = stats.GetProperty("groups").EnumerateArray().ToList();
        var consumed = rows.Where(r => r.Type == LogType.Consume && r.TimeMs >= T0 + 7 * Hour + 15 * 60_000).ToList();
        var expected = consumed.GroupBy(r => Key(r, groupBy)).ToDictionary(g => g.Key, g => g.ToList());
        groups.Select(g => g.GetProperty("key").GetString()).Should().BeEquivalentTo(expected.Keys);
        foreach (var line in groups)
        {
            var mine = expected[line.GetProperty("key").GetString()!];
            line.GetProperty("requests").GetInt64().Should().Be(mine.Count);
            line.GetProperty("spend").GetDecimal().Should().Be(NanoUsd.ToUsd(mine.Sum(r => r.SpendNano)));
            line.GetProperty("input_tokens").GetInt64().Should().Be(mine.Sum(r => r.InputTokens));
            line.GetProperty("output_tokens").GetInt64().Should().Be(mine.Sum(r => r.OutputTokens));
        }
        groups.Sum(g => g.GetProperty("requests").GetInt64()).Should().Be(stats.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Stats_GroupByModel_LatencyPercentilesPerModel()
    {
        await using var host = await GatewayHost.StartAsync();
        // m1: every duration 800 ms, first token 250 ms; m2: 1..100 s, no streams.
        await host.SeedAsync(Enumerable.Range(0, 20).Select(i => Row(T0 + i, model: "m1", durationMs: 800, firstTokenMs: 250))
            .Concat(Enumerable.Range(1, 100).Select(i => Row(T0 + i, model: "m2", durationMs: i * 1_000))));

        var (_, stats) = await host.GetJsonAsync("/logs/stats?group_by=model");

        var lines = stats.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("key").GetString()!);
        Latency(lines["m1"]).Should().Equal(800, 800, 250, 250);
        var m2 = lines["m2"];
        m2.GetProperty("duration_ms_p50").GetInt64().Should().BeInRange(40_000, 60_000, "p50 of 1..100 s is 50 s, estimated within its bucket");
        m2.GetProperty("duration_ms_p95").GetInt64().Should().BeInRange(90_000, 100_000);
        m2.GetProperty("first_token_ms_p50").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Stats_NoRows_ZerosAndEmptyGroups()
    {
        await using var host = await GatewayHost.StartAsync();

        var (_, stats) = await host.GetJsonAsync("/logs/stats?group_by=day&model=none");

        stats.GetProperty("spend").GetDecimal().Should().Be(0m);
        stats.GetProperty("requests").GetInt64().Should().Be(0);
        stats.GetProperty("groups").GetArrayLength().Should().Be(0);
    }

    private static long?[] Latency(JsonElement line) =>
        new[] { "duration_ms_p50", "duration_ms_p95", "first_token_ms_p50", "first_token_ms_p95" }
            .Select(p => line.GetProperty(p).ValueKind == JsonValueKind.Null ? (long?)null : line.GetProperty(p).GetInt64()).ToArray();

    private static string Key(LogRecord r, string groupBy) => groupBy switch
    {
        "model" => r.Model,
        "token_name" => r.TokenName,
        "group" => r.Grp,
        "hour" => DateTimeOffset.FromUnixTimeMilliseconds(r.TimeMs / Hour * Hour).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
        _ => DateTimeOffset.FromUnixTimeMilliseconds(r.TimeMs / Day * Day).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
    };
}
