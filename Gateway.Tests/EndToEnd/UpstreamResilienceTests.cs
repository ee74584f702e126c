using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>Retries before the first byte on another destination, one charge, attempts in the row, breakers.</summary>
public class UpstreamResilienceTests
{
    private const string Plain = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";

    private static async Task<(GatewayHost Host, FakeUpstream Backup)> StartWithBackupAsync(string primaryAddress, Dictionary<string, string?>? more = null)
    {
        var backup = await FakeUpstream.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:openai:Destinations:default:Address"] = primaryAddress,
            ["ReverseProxy:Clusters:openai:Destinations:backup:Address"] = backup.BaseAddress,
            // A fallback: it serves only while the primary is out (SPEC §11).
            ["ReverseProxy:Clusters:openai:Destinations:backup:Metadata:Priority"] = "1",
        };
        foreach (var (k, v) in more ?? []) settings[k] = v;
        return (await GatewayHost.StartAsync(settings), backup);
    }

    /// <summary>The primary destination a fake upstream that fails as told, the backup a healthy one.</summary>
    private static async Task<(GatewayHost Host, FakeUpstream Failing, FakeUpstream Backup)> StartWithFailingPrimaryAsync(FakeBehavior failure)
    {
        var failing = await FakeUpstream.StartAsync();
        failing.Behavior = failure;
        var (host, backup) = await StartWithBackupAsync(failing.BaseAddress);
        return (host, failing, backup);
    }

    [Fact]
    public async Task ConnectionRefused_RetriedOnOtherDestination_OneChargeAttemptsInRow()
    {
        var (host, backup) = await StartWithBackupAsync($"http://127.0.0.1:{UnusedPort()}/");
        await using var _ = host;
        await using var __ = backup;
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);

        var response = await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(Plain));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        backup.Received.Should().ContainSingle();
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        var attempts = row.GetProperty("details").GetProperty("attempts").EnumerateArray().ToArray();
        attempts.Should().HaveCount(2);
        attempts[0].GetProperty("destination").GetString().Should().Be("default");
        attempts[0].GetProperty("error").GetString().Should().Be("Request");
        attempts[1].GetProperty("destination").GetString().Should().Be("backup");
        attempts[1].GetProperty("status").GetInt32().Should().Be(200);
        (await host.BalanceAsync(account)).Should().Be(1m - row.GetProperty("spend").GetDecimal());
        (await host.RowsOfTypeAsync("error")).Should().BeEmpty();
    }

    [Fact]
    public async Task Upstream5xx_RetriedOnOtherDestinationWithoutLeakingTheFirstAnswer()
    {
        var (host, failing, backup) = await StartWithFailingPrimaryAsync(new FakeBehavior { FailWithStatus = 503 });
        await using var _ = host;
        await using var __ = failing;
        await using var ___ = backup;

        var response = await host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m))).PostAsync("/v1/chat/completions", JsonContent(Plain));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().NotContain("fake upstream failure");
        failing.Received.Should().ContainSingle();
        backup.Received.Should().ContainSingle();
        var attempts = (await host.RowsOfTypeAsync("consume")).Single().GetProperty("details").GetProperty("attempts");
        attempts[0].GetProperty("status").GetInt32().Should().Be(503);
    }

    [Fact]
    public async Task SlowFailedTry_OverheadHeaderCountsItAsUpstreamTime()
    {
        var (host, failing, backup) = await StartWithFailingPrimaryAsync(new FakeBehavior { FailWithStatus = 503, FirstEventDelay = TimeSpan.FromMilliseconds(800) });
        await using var _ = host;
        await using var __ = failing;
        await using var ___ = backup;

        var response = await host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m))).PostAsync("/v1/chat/completions", JsonContent(Plain));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        failing.Received.Should().ContainSingle();
        var overhead = double.Parse(response.Headers.GetValues("x-gateway-overhead-ms").Single(), System.Globalization.CultureInfo.InvariantCulture);
        overhead.Should().BeLessThan(400, "the 800 ms the first destination took to fail is upstream time");
    }

    [Fact]
    public async Task EveryTryFails_BoundedTriesAndLastAnswerPassedThrough()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:UpstreamMaxAttempts"] = "3" });
        host.Upstream.Behavior = new FakeBehavior { FailWithStatus = 500 };
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);

        var response = await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(Plain));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await response.Content.ReadAsStringAsync()).Should().Contain("fake upstream failure");
        host.Upstream.Received.Should().HaveCount(3);
        var row = (await host.RowsOfTypeAsync("error")).Single();
        row.GetProperty("spend").GetDecimal().Should().Be(0m);
        row.GetProperty("details").GetProperty("attempts").GetArrayLength().Should().Be(3);
        (await host.BalanceAsync(account)).Should().Be(1m);
    }

    [Fact]
    public async Task RetryBudgetSpentWhileAnAnswerIsHeldBack_502InTheRoutesFormat_NothingCharged()
    {
        // No budget: the first 500 is held back for a retry (tries remain) that the budget then forbids.
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:UpstreamMaxAttempts"] = "3",
            ["Gateway:UpstreamRetryBudgetMs"] = "0",
        });
        host.Upstream.Behavior = new FakeBehavior { FailWithStatus = 500 };
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);

        var response = await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(Plain));

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        var body = await response.Content.ReadAsStringAsync();
        body.Should().Contain("upstream_error").And.Contain("last answer 500").And.NotContain("fake upstream failure");
        host.Upstream.Received.Should().ContainSingle();
        var row = (await host.RowsOfTypeAsync("error")).Single();
        row.GetProperty("status").GetInt32().Should().Be(502);
        row.GetProperty("spend").GetDecimal().Should().Be(0m);
        (await host.BalanceAsync(account)).Should().Be(1m);
    }

    [Fact]
    public async Task FailingDestination_BreakerOpensAndLaterRequestsSkipIt()
    {
        var (host, backup) = await StartWithBackupAsync($"http://127.0.0.1:{UnusedPort()}/", new()
        {
            ["Gateway:BreakerMinimumThroughput"] = "2",
        });
        await using var _ = host;
        await using var __ = backup;
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        var client = host.NewClient(key);

        for (var i = 0; i < 4; i++)
            (await client.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);

        var rows = await host.RowsOfTypeAsync("consume");
        rows.Should().HaveCount(4);
        // Newest first: once the breaker is open, a request goes straight to the backup (one try, no attempts list).
        rows[0].GetProperty("details").GetProperty("attempts").ValueKind.Should().Be(JsonValueKind.Null);
        rows[1].GetProperty("details").GetProperty("attempts").ValueKind.Should().Be(JsonValueKind.Null);
        rows[3].GetProperty("details").GetProperty("attempts").GetArrayLength().Should().Be(2);
    }

    [Fact]
    public async Task UpstreamTooSlow_504WithErrorRow()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:openai:HttpRequest:ActivityTimeout"] = "00:00:00.500",
            ["Gateway:UpstreamMaxAttempts"] = "1",
        });
        host.Upstream.Behavior = new FakeBehavior { FirstEventDelay = TimeSpan.FromSeconds(3) };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        var response = await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(Plain));

        response.StatusCode.Should().Be(HttpStatusCode.GatewayTimeout);
        (await response.Content.ReadAsStringAsync()).Should().Contain("upstream_timeout");
        var row = (await host.RowsOfTypeAsync("error")).Single();
        row.GetProperty("status").GetInt32().Should().Be(504);
        row.GetProperty("spend").GetDecimal().Should().Be(0m);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
