using System.Collections.Concurrent;
using System.Net;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd.Postgres;

/// <summary>Several gateway instances on one PostgreSQL database (SPEC §10): one ledger, exact, whoever served.</summary>
[Trait(StoreTraits.Name, StoreTraits.Postgres)]
public class ManyInstancesTests
{
    private const string Plain = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";
    private const string Streamed = """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task ThreeInstancesDrainOneAccount_OverdraftBoundedByWhatWasInFlight_LedgerExact()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var a = await GatewayHost.StartAsync(connectionString: database);
        await using var b = await GatewayHost.StartAsync(connectionString: database);
        await using var c = await GatewayHost.StartAsync(connectionString: database);
        var hosts = new[] { a, b, c };
        foreach (var host in hosts)
            host.Upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, PromptTokens = 1000, CompletionTokens = 0 };
        const decimal perRequest = 0.002m; // 1000 tokens × ratio 1 × $2 / 1M
        const decimal initial = perRequest * 40.5m;
        const decimal topUp = perRequest * 10;
        var account = await a.CreateAccountAsync(initial);
        var key = await b.CreateKeyAsync(account);
        const int workersPerHost = 4;

        // Every worker keeps sending until refused; one top-up lands on the third instance midway.
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var toppedUp = 0;
        await Task.WhenAll(hosts.SelectMany(host => Enumerable.Range(0, workersPerHost).Select(async worker =>
        {
            using var client = host.NewClient(key);
            for (var i = 0; ; i++)
            {
                using var response = await client.PostAsync("/v1/chat/completions", JsonContent(i % 2 == 0 ? Plain : Streamed));
                await response.Content.ReadAsStringAsync();
                statuses.Add(response.StatusCode);
                if (statuses.Count >= 20 && Interlocked.Exchange(ref toppedUp, 1) == 0)
                    (await c.Admin.PostAsync($"/admin/accounts/{account}/topup", JsonContent($$"""{"amount":{{topUp}}}"""))).EnsureSuccessStatusCode();
                if (response.StatusCode != HttpStatusCode.OK)
                    return;
            }
        })));

        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK || s == HttpStatusCode.PaymentRequired);
        var served = statuses.Count(s => s == HttpStatusCode.OK);
        var balance = await a.BalanceAsync(account);
        balance.Should().Be(initial + topUp - served * perRequest, "every served request was charged once, by whichever instance served it");
        balance.Should().BeLessThanOrEqualTo(0m);
        // Near zero every admission reads the database: only requests already admitted can overdraw.
        balance.Should().BeGreaterThan(-perRequest * hosts.Length * workersPerHost);
        foreach (var host in hosts)
        {
            var rows = await host.RowsOfTypeAsync("consume");
            rows.Should().HaveCount(served, "every instance's /logs shows every instance's rows");
            rows.Sum(r => r.GetProperty("spend").GetDecimal()).Should().Be(served * perRequest);
        }
        var sumNano = await a.QueryScalarAsync<long>($"SELECT SUM(spend_nano) FROM logs WHERE account_id = {account}");
        (await a.QueryScalarAsync<long>($"SELECT balance_nano FROM accounts WHERE id = {account}"))
            .Should().Be((long)((initial + topUp) * 1_000_000_000m) - sumNano);
        (await b.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
    }

    [Fact]
    public async Task RowIds_FromConcurrentInstances_AreUnique_AndTheRollupsCountEachRowOnce()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        var foldOften = new Dictionary<string, string?> { ["Gateway:LogMaintenance:RollupInterval"] = "00:00:00.2" };
        await using var a = await GatewayHost.StartAsync(foldOften, connectionString: database);
        await using var b = await GatewayHost.StartAsync(foldOften, connectionString: database);
        var account = await a.CreateAccountAsync(10m);
        var key = await a.CreateKeyAsync(account);

        await Task.WhenAll(new[] { a, b }.SelectMany(host => Enumerable.Range(0, 30).Select(async i =>
        {
            using var client = host.NewClient(key);
            (await client.PostAsync("/v1/chat/completions", JsonContent(i % 2 == 0 ? Plain : Streamed))).StatusCode.Should().Be(HttpStatusCode.OK);
        })));

        // Ids come from one sequence, whichever instance wrote them; nothing failed, so none is skipped.
        var count = await a.QueryScalarAsync<long>("SELECT COUNT(*) FROM logs");
        count.Should().Be(60 + 2, "sixty requests, the account's and the key's system rows");
        (await a.QueryScalarAsync<long>("SELECT COUNT(DISTINCT id) FROM logs")).Should().Be(count);
        (await a.QueryScalarAsync<long>("SELECT MAX(id) FROM logs")).Should().Be(count);
        // Both instances fold; the watermark reaches the last row and every row is counted once.
        await Eventually.HoldsAsync(async () => await a.QueryScalarAsync<long>("SELECT last_id FROM log_rollup_state") == count);
        (await a.QueryScalarAsync<long>("SELECT SUM(requests) FROM log_rollup_group_day")).Should().Be(count);
    }
}
