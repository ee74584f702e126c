using System.Net;
using Gateway.Tests.Fakes;
using Metering.Ledger;
using static Gateway.Tests.Metering.Storage.LogRows;
using Metering.Logs;

namespace Gateway.Tests.EndToEnd;

/// <summary>SPEC §7 scope: the operator sees every row, a key holder only its account's, and the rest does not exist.</summary>
public class LogsScopeTests
{
    [Fact]
    public async Task List_ApiKey_OnlyOwnAccountIncludingItsSystemRows()
    {
        await using var host = await GatewayHost.StartAsync();
        var (mine, theirs, key) = await TwoAccountsAsync(host);
        await host.SeedAsync([Row(T0, account: mine), Row(T0, account: theirs), Row(T0, account: theirs)]);

        var (_, own) = await host.GetJsonAsync("/logs", key);
        var (_, all) = await host.GetJsonAsync("/logs");

        var rows = own.GetProperty("items").EnumerateArray().ToList();
        rows.Should().AllSatisfy(r => r.GetProperty("account_id").GetInt64().Should().Be(mine));
        rows.Select(r => r.GetProperty("type").GetString()).Should().BeEquivalentTo([LogType.System, LogType.System, LogType.Consume]);
        own.GetProperty("total").GetInt64().Should().Be(3);
        all.GetProperty("total").GetInt64().Should().Be(7);
    }

    [Fact]
    public async Task Get_RowOfAnotherAccount_404ForKeyHolderAnd200ForOperator()
    {
        await using var host = await GatewayHost.StartAsync();
        var (mine, theirs, key) = await TwoAccountsAsync(host);
        await host.SeedAsync([Row(T0, account: theirs, message: "theirs"), Row(T0 + 1, account: mine, message: "mine")]);
        var (_, all) = await host.GetJsonAsync("/logs?type=consume");
        var ids = all.GetProperty("items").EnumerateArray().ToDictionary(r => r.GetProperty("message").GetString()!, r => r.GetProperty("id").GetInt64());

        (await host.GetJsonAsync($"/logs/{ids["theirs"]}", key)).Status.Should().Be(HttpStatusCode.NotFound);
        (await host.GetJsonAsync($"/logs/{ids["theirs"]}")).Status.Should().Be(HttpStatusCode.OK);
        var (status, row) = await host.GetJsonAsync($"/logs/{ids["mine"]}", key);
        status.Should().Be(HttpStatusCode.OK);
        row.GetProperty("message").GetString().Should().Be("mine");
        (await host.GetJsonAsync("/logs/999999", key)).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListStatsExport_ApiKeyAskingForAnotherAccount_NoRows()
    {
        await using var host = await GatewayHost.StartAsync();
        var (mine, theirs, key) = await TwoAccountsAsync(host);
        await host.SeedAsync([Row(T0, account: theirs, spendNano: 7), Row(T0, account: mine, spendNano: 5)]);

        var (_, list) = await host.GetJsonAsync($"/logs?account_id={theirs}", key);
        var (_, stats) = await host.GetJsonAsync($"/logs/stats?account_id={theirs}", key);
        var (_, ownStats) = await host.GetJsonAsync("/logs/stats", key);
        using var client = host.NewClient(key);
        var export = await client.GetStringAsync($"/logs/export?account_id={theirs}");

        list.GetProperty("total").GetInt64().Should().Be(0);
        stats.GetProperty("requests").GetInt64().Should().Be(0);
        ownStats.GetProperty("spend").GetDecimal().Should().Be(0.000000005m);
        export.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle("only the header");
    }

    [Theory]
    [InlineData("/logs")]
    [InlineData("/logs/1")]
    [InlineData("/logs/stats")]
    [InlineData("/logs/export")]
    public async Task Logs_NoOrUnknownKey_401(string url)
    {
        await using var host = await GatewayHost.StartAsync();

        (await host.GetJsonAsync(url, key: null)).Status.Should().Be(HttpStatusCode.Unauthorized);
        (await host.GetJsonAsync(url, key: "sk-gw-unknown")).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task List_RevokedKey_401()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        var (_, keys) = await host.GetJsonAsync($"/admin/keys?account_id={account}");

        await host.Admin.DeleteAsync($"/admin/keys/{keys[0].GetProperty("id").GetInt64()}");

        (await host.GetJsonAsync("/logs", key)).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    /// <summary>Two accounts with a key each (four system rows); the key of the first is returned.</summary>
    private static async Task<(long Mine, long Theirs, string Key)> TwoAccountsAsync(GatewayHost host)
    {
        var mine = await host.CreateAccountAsync(1m, "mine");
        var theirs = await host.CreateAccountAsync(1m, "theirs");
        var key = await host.CreateKeyAsync(mine);
        await host.CreateKeyAsync(theirs);
        return (mine, theirs, key);
    }
}
