using Gateway.Tests.Fakes;
using static Gateway.Tests.Metering.Storage.LogRows;

namespace Gateway.Tests.EndToEnd;

/// <summary><c>Gateway:RetentionDays</c>: old rows go in small batches; their sums stay answerable from the rollups.</summary>
[Trait(StoreTraits.Name, StoreTraits.SqliteOnly)]
public class LogsRetentionTests
{
    private static Dictionary<string, string?> Settings(int retentionDays) => new()
    {
        ["Gateway:RetentionDays"] = retentionDays.ToString(),
        ["Gateway:LogMaintenance:RollupInterval"] = "00:00:00.100",
        ["Gateway:LogMaintenance:RetentionInterval"] = "00:00:00.100",
        ["Gateway:LogMaintenance:RetentionBatchRows"] = "7",
    };

    [Fact]
    public async Task Retention_RowsOlderThanTheDays_DeletedWhileStatsStillAnswer()
    {
        await using var host = await GatewayHost.StartAsync(Settings(retentionDays: 2));
        var hour = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3 * Day) / Hour * Hour;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await host.SeedAsync(Enumerable.Range(0, 30).Select(i => Row(hour + i * 60_000, spendNano: 1_000_000))
            .Concat([Row(now - 1_000, message: "recent")]));

        await Eventually.HoldsAsync(async () => (await host.GetJsonAsync("/logs")).Body.GetProperty("total").GetInt64() == 1);

        var (_, list) = await host.GetJsonAsync("/logs");
        list.GetProperty("items")[0].GetProperty("message").GetString().Should().Be("recent");
        var (_, stats) = await host.GetJsonAsync($"/logs/stats?start={hour / 1000}&end={(hour + Hour) / 1000}");
        stats.GetProperty("requests").GetInt64().Should().Be(30, "whole hours of deleted rows are answered from the rollups");
        stats.GetProperty("spend").GetDecimal().Should().Be(0.03m);
    }

    [Fact]
    public async Task Retention_ZeroDays_KeepsEverything()
    {
        await using var host = await GatewayHost.StartAsync(Settings(retentionDays: 0));
        await host.SeedAsync([Row(T0), Row(T0 + 1)]);

        await Eventually.HoldsAsync(async () => await host.QueryScalarAsync<long>("SELECT last_id FROM log_rollup_state") > 0);
        await Task.Delay(500);

        (await host.GetJsonAsync("/logs")).Body.GetProperty("total").GetInt64().Should().Be(2);
    }
}
