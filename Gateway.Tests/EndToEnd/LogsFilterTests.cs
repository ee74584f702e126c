using System.Net;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Metering.Ledger;
using static Gateway.Tests.Metering.Storage.LogRows;
using Metering.Logs;

namespace Gateway.Tests.EndToEnd;

/// <summary>SPEC §7 <c>GET /logs</c>: every filter, the time range's edges, paging and the 400s that name their parameter.</summary>
public class LogsFilterTests
{
    private static readonly LogRecord[] Mixed =
    [
        Row(T0 + 1_000, account: 1, token: "k1", group: "default", model: "m1"),
        Row(T0 + 2_000, account: 1, token: "k2", group: "vip", model: "m2"),
        Row(T0 + 3_000, type: LogType.Error, account: 2, token: "k3", group: "default", model: "m1", spendNano: 0),
        Row(T0 + 4_000, type: LogType.System, account: 2, token: "", group: "", model: "", spendNano: 0),
        Row(T0 + 5_000, account: 2, token: "k3", group: "vip", model: "m2"),
    ];

    [Theory]
    [InlineData("type=error", "type", "error", 1)]
    [InlineData("type=system", "type", "system", 1)]
    [InlineData("type=consume", "type", "consume", 3)]
    [InlineData("group=vip", "group", "vip", 2)]
    [InlineData("token_name=k3", "token_name", "k3", 2)]
    [InlineData("model=m1", "model", "m1", 2)]
    [InlineData("account_id=2", "account_id", "2", 3)]
    [InlineData("model=m2&group=vip&account_id=1", "token_name", "k2", 1)]
    public async Task List_Filter_OnlyMatchingRowsAndTheirTotal(string filter, string field, string value, int expected)
    {
        await using var host = await GatewayHost.StartAsync();
        await host.SeedAsync(Mixed);

        var (status, body) = await host.GetJsonAsync($"/logs?{filter}");

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("total").GetInt64().Should().Be(expected);
        var items = body.GetProperty("items").EnumerateArray().ToList();
        items.Should().HaveCount(expected).And.AllSatisfy(r => Text(r.GetProperty(field)).Should().Be(value));
    }

    [Theory]
    [InlineData("2025-03-01T00:00:01Z", "2025-03-01T00:00:03Z")]
    [InlineData("2025-03-01T00:00:01.000Z", "2025-03-01T02:00:03+02:00")]
    [InlineData("1740787201", "1740787203")]
    public async Task List_TimeRange_StartInclusiveEndExclusive(string start, string end)
    {
        await using var host = await GatewayHost.StartAsync();
        await host.SeedAsync([Row(T0 + 999), Row(T0 + 1_000), Row(T0 + 2_999), Row(T0 + 3_000)]);

        var (_, body) = await host.GetJsonAsync($"/logs?start={Uri.EscapeDataString(start)}&end={Uri.EscapeDataString(end)}");

        body.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("time").GetString())
            .Should().Equal("2025-03-01T00:00:02.999Z", "2025-03-01T00:00:01.000Z");
        body.GetProperty("total").GetInt64().Should().Be(2);
    }

    [Fact]
    public async Task List_Pages_NewestFirstWithTotal()
    {
        await using var host = await GatewayHost.StartAsync();
        // Two rows share a time: the later id comes first.
        await host.SeedAsync([Row(T0 + 5, message: "a"), Row(T0 + 1, message: "b"), Row(T0 + 5, message: "c"), Row(T0 + 3, message: "d"), Row(T0 + 9, message: "e")]);

        var pages = new List<string?>();
        for (var page = 1; page <= 3; page++)
        {
            var (_, body) = await host.GetJsonAsync($"/logs?page={page}&page_size=2");
            body.GetProperty("total").GetInt64().Should().Be(5);
            body.GetProperty("page").GetInt32().Should().Be(page);
            body.GetProperty("page_size").GetInt32().Should().Be(2);
            pages.AddRange(body.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("message").GetString()));
        }

        pages.Should().Equal("e", "c", "a", "d", "b");
        var (_, beyond) = await host.GetJsonAsync("/logs?page=4&page_size=2");
        beyond.GetProperty("items").GetArrayLength().Should().Be(0);
        var (_, defaults) = await host.GetJsonAsync("/logs");
        defaults.GetProperty("page").GetInt32().Should().Be(1);
        defaults.GetProperty("page_size").GetInt32().Should().Be(50);
    }

    [Fact]
    public async Task List_BeforeId_KeysetPagesWalkEveryRowOnceNewestFirst_TotalUnchanged()
    {
        await using var host = await GatewayHost.StartAsync();
        await host.SeedAsync([Row(T0 + 5, message: "a"), Row(T0 + 1, message: "b"), Row(T0 + 5, message: "c"), Row(T0 + 3, message: "d"),
            Row(T0 + 9, message: "e", account: 2)]);

        var seen = new List<string?>();
        string cursor = "";
        for (var page = 0; page < 4; page++)
        {
            var (status, body) = await host.GetJsonAsync($"/logs?page_size=2{cursor}");
            status.Should().Be(HttpStatusCode.OK);
            body.GetProperty("total").GetInt64().Should().Be(5, "the total counts every matching row, not those after the cursor");
            var items = body.GetProperty("items").EnumerateArray().ToList();
            seen.AddRange(items.Select(r => r.GetProperty("message").GetString()));
            if (items.Count == 0)
                break;
            cursor = $"&before_id={items[^1].GetProperty("id").GetInt64()}";
        }

        seen.Should().Equal("e", "c", "a", "d", "b");
        var (_, filtered) = await host.GetJsonAsync($"/logs?account_id=1&before_id={await IdOfAsync(host, "e")}");
        filtered.GetProperty("items").GetArrayLength().Should().Be(4, "the operator's cursor may be any row, of any account");
        // A key holder's cursor on another account's row finds nothing: it must not reveal that row's time.
        await host.SeedAsync([Row(DateTimeOffset.Parse("2100-01-01T00:00:00Z").ToUnixTimeMilliseconds(), message: "future", account: 2)]);
        var account = await host.CreateAccountAsync(1m);
        account.Should().Be(1, "the first account: the seeded rows a to d are its own");
        var key = await host.CreateKeyAsync(account);
        var (_, own) = await host.GetJsonAsync("/logs", key);
        own.GetProperty("items").GetArrayLength().Should().Be(6, "rows a to d, the account's and the key's system rows: all older than the year 2100");
        var (_, scoped) = await host.GetJsonAsync($"/logs?before_id={await IdOfAsync(host, "future")}", key);
        scoped.GetProperty("items").GetArrayLength().Should().Be(0);
    }

    private static async Task<long> IdOfAsync(GatewayHost host, string message) =>
        (await host.LogsAsync()).Single(r => r.GetProperty("message").GetString() == message).GetProperty("id").GetInt64();

    [Theory]
    [InlineData("/logs?before_id=0", "before_id")]
    [InlineData("/logs?before_id=x", "before_id")]
    [InlineData("/logs/stats?before_id=3", "before_id")]
    [InlineData("/logs?start=yesterday", "start")]
    [InlineData("/logs?end=2025-13-01T00:00:00Z", "end")]
    [InlineData("/logs?start=99999999999999", "start")]
    [InlineData("/logs?start=2025-03-02T00:00:00Z&end=2025-03-01T00:00:00Z", "end")]
    [InlineData("/logs?type=consumed", "type")]
    [InlineData("/logs?page=0", "page")]
    [InlineData("/logs?page=-1", "page")]
    [InlineData("/logs?page=two", "page")]
    [InlineData("/logs?page_size=1001", "page_size")]
    [InlineData("/logs?page_size=0", "page_size")]
    [InlineData("/logs?account_id=abc", "account_id")]
    [InlineData("/logs?account_id=-3", "account_id")]
    [InlineData("/logs?modle=m1", "modle")]
    [InlineData("/logs?model=m1&model=m2", "model")]
    [InlineData("/logs/stats?group_by=week", "group_by")]
    [InlineData("/logs/stats?page=1", "page")]
    [InlineData("/logs/stats?start=noon", "start")]
    [InlineData("/logs/export?format=xml", "format")]
    [InlineData("/logs/export?type=nope", "type")]
    public async Task Logs_BadParameter_400NamingIt(string url, string parameter)
    {
        await using var host = await GatewayHost.StartAsync();

        var (status, body) = await host.GetJsonAsync(url);

        status.Should().Be(HttpStatusCode.BadRequest);
        var error = body.GetProperty("error");
        error.GetProperty("param").GetString().Should().Be(parameter);
        error.GetProperty("message").GetString().Should().StartWith(parameter);
    }

    [Fact]
    public async Task List_PageSizeAtMaximum_Accepted()
    {
        await using var host = await GatewayHost.StartAsync();

        var (status, body) = await host.GetJsonAsync("/logs?page_size=1000&model=");

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("page_size").GetInt32().Should().Be(1000);
    }

    private static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.GetString();
}
