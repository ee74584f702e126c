using System.Net;
using Gateway.Tests.Fakes;
using static Gateway.Tests.Metering.Storage.LogRows;

namespace Gateway.Tests.EndToEnd;

/// <summary>Filter values only ever become SQL parameters: anything hostile matches nothing, never a 500.</summary>
public class LogsHostileValuesTests
{
    public static TheoryData<string> Values() => new(
        "' OR '1'='1", "m1' --", "\"; DROP TABLE logs; --", "%", "_", "m%", "*", "\\", "\0", "m1\0", "😀", "\uFFFD",
        new string('x', 7_000), "m1 ", "M1", "(SELECT 1)", "?", "@f_model", "$1");

    [Theory]
    [MemberData(nameof(Values))]
    public async Task ListStatsExport_HostileFilterValue_200WithNoRows(string value)
    {
        await using var host = await GatewayHost.StartAsync();
        await host.SeedAsync([Row(T0, model: "m1", group: "default", token: "k1"), Row(T0 + 1, model: "m1", group: "g'1", token: "k%")]);
        foreach (var parameter in new[] { "group", "token_name", "model" })
            await AssertNoRowsAsync(host, $"{parameter}={Uri.EscapeDataString(value)}");
        (await host.QueryScalarAsync<long>("SELECT COUNT(*) FROM logs")).Should().Be(2);
    }

    private static async Task AssertNoRowsAsync(GatewayHost host, string filter)
    {
        var (listStatus, list) = await host.GetJsonAsync($"/logs?{filter}");
        var (statsStatus, stats) = await host.GetJsonAsync($"/logs/stats?{filter}&group_by=model");
        using var client = host.NewClient(GatewayHost.AdminKey);
        using var export = await client.GetAsync($"/logs/export?{filter}");

        listStatus.Should().Be(HttpStatusCode.OK);
        list.GetProperty("total").GetInt64().Should().Be(0);
        list.GetProperty("items").GetArrayLength().Should().Be(0);
        statsStatus.Should().Be(HttpStatusCode.OK);
        stats.GetProperty("requests").GetInt64().Should().Be(0);
        stats.GetProperty("groups").GetArrayLength().Should().Be(0);
        export.StatusCode.Should().Be(HttpStatusCode.OK);
        (await export.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle();
    }

    [Theory]
    [InlineData("group", "g'1", 1)]
    [InlineData("token_name", "k%", 1)]
    public async Task List_ValueWithQuoteOrPercent_MatchesExactlyThatValue(string parameter, string value, int expected)
    {
        await using var host = await GatewayHost.StartAsync();
        await host.SeedAsync([Row(T0, group: "default", token: "k1"), Row(T0 + 1, group: "g'1", token: "k%")]);

        var (_, list) = await host.GetJsonAsync($"/logs?{parameter}={Uri.EscapeDataString(value)}");

        list.GetProperty("total").GetInt64().Should().Be(expected);
    }
}
