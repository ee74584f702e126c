using System.Net;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Metering.Ledger;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;
using Metering.Logs;

namespace Gateway.Tests.EndToEnd;

/// <summary>SPEC §6 <c>ip</c>: off by default, per account; <c>X-Forwarded-For</c> believed only from trusted proxies.</summary>
public class LogsIpTests
{
    private const string ForwardedClient = "203.0.113.7";

    [Fact]
    public async Task RecordIp_OffByDefault_ConsumeAndErrorRowsHaveNoIp()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        await ChatAsync(host, key, "test-model");
        await ChatAsync(host, key, "no-such-model");

        var rows = await MeteredRowsAsync(host);
        rows.Select(r => r.GetProperty("type").GetString()).Should().BeEquivalentTo([LogType.Consume, LogType.Error]);
        rows.Should().AllSatisfy(r => r.GetProperty("ip").ValueKind.Should().Be(JsonValueKind.Null));
    }

    [Fact]
    public async Task RecordIp_PatchedOn_LaterRowsCarryTheIpAndTheChangeIsASystemRow()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        await ChatAsync(host, key, "test-model");

        var patch = await host.Admin.PatchAsync($"/admin/accounts/{account}", JsonContent("""{"record_ip":true}"""));
        await ChatAsync(host, key, "test-model");
        host.Upstream.Behavior = new FakeBehavior { FailWithStatus = 500 };
        await ChatAsync(host, key, "test-model");

        patch.StatusCode.Should().Be(HttpStatusCode.OK);
        var rows = await MeteredRowsAsync(host);   // newest first
        rows.Select(r => r.GetProperty("type").GetString()).Should().Equal(LogType.Error, LogType.Consume, LogType.Consume);
        rows.Select(r => r.GetProperty("ip").GetString()).Should().Equal("127.0.0.1", "127.0.0.1", null);
        var (_, system) = await host.GetJsonAsync($"/logs?type=system&account_id={account}");
        var change = system.GetProperty("items")[0];
        change.GetProperty("message").GetString().Should().Be("IP recording turned on");
        change.GetProperty("ip").GetString().Should().Be("127.0.0.1");
    }

    [Fact]
    public async Task RecordIp_PatchedOff_LaterRowsHaveNoIp()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m, recordIp: true);
        var key = await host.CreateKeyAsync(account);
        await ChatAsync(host, key, "test-model");

        await host.Admin.PatchAsync($"/admin/accounts/{account}", JsonContent("""{"record_ip":false}"""));
        await ChatAsync(host, key, "test-model");

        (await MeteredRowsAsync(host)).Select(r => r.GetProperty("ip").GetString()).Should().Equal(null, "127.0.0.1");
    }

    [Fact]
    public async Task RecordIp_ForwardedForFromUntrustedPeer_Ignored()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m, recordIp: true));

        await ChatAsync(host, key, "test-model", forwardedFor: ForwardedClient);

        (await MeteredRowsAsync(host)).Single().GetProperty("ip").GetString().Should().Be("127.0.0.1");
    }

    [Fact]
    public async Task RecordIp_ForwardedForFromTrustedProxy_TheClientAddress()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:TrustedProxies:0"] = "127.0.0.1" });
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m, recordIp: true));

        await ChatAsync(host, key, "test-model", forwardedFor: $"198.51.100.1, {ForwardedClient}");
        await ChatAsync(host, key, "test-model");

        (await MeteredRowsAsync(host)).Select(r => r.GetProperty("ip").GetString()).Should().Equal("127.0.0.1", ForwardedClient);
    }

    private static async Task ChatAsync(GatewayHost host, string key, string model, string? forwardedFor = null)
    {
        using var client = host.NewClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}"""),
        };
        if (forwardedFor is not null)
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsStringAsync();
    }

    private static async Task<List<JsonElement>> MeteredRowsAsync(GatewayHost host) =>
        (await host.LogsAsync()).Where(r => r.GetProperty("type").GetString() != LogType.System).ToList();
}
