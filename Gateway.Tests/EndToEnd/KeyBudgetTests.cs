using System.Net;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.KeyPolicyHelpers;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// A key's budget is exact like the balance (SPEC §13): its <c>spent</c> equals Σ spend of its rows in the
/// period to the nano-dollar, concurrent requests overrun it only by what was in flight, and a new UTC day
/// or month starts from zero.
/// </summary>
public class KeyBudgetTests
{
    // 1000 prompt tokens × ratio 1 × $2 / 1M.
    private const decimal PerRequest = 0.002m;

    [Fact]
    public async Task ThirtyRequestsInWavesOfTen_SpentEqualsTheRowsExactly_OverrunBoundedByWhatWasInFlight()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, PromptTokens = 1000, CompletionTokens = 0, EventInterval = TimeSpan.FromMilliseconds(5) };
        var account = await host.CreateAccountAsync(10m);
        var budget = PerRequest * 3.5m;
        var (id, key) = await CreateKeyAsync(host, account, $"\"budget\":{budget}");

        // Three waves of ten at once: the first finds the budget unspent and is admitted whole (in flight together).
        var waves = new List<(HttpStatusCode Status, System.Text.Json.JsonElement Body)[]>();
        for (var wave = 0; wave < 3; wave++)
            waves.Add(await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => CallAsync(host, key))));
        var after = await CallAsync(host, key);

        var burst = waves.SelectMany(w => w).ToArray();
        var served = burst.Count(r => r.Status == HttpStatusCode.OK);
        burst.Where(r => r.Status != HttpStatusCode.OK).Should().NotBeEmpty().And
            .AllSatisfy(r => ErrorCode(r.Body).Should().Be("key_budget_exceeded"));
        waves[1].Concat(waves[2]).Should().AllSatisfy(r => r.Status.Should().Be(HttpStatusCode.PaymentRequired), "the first wave spent the budget");
        (after.Status, ErrorCode(after.Body)).Should().Be((HttpStatusCode.PaymentRequired, "key_budget_exceeded"));
        var rows = (await host.LogsAsync()).Where(r => r.GetProperty("token_name").GetString() == "ci" && r.GetProperty("type").GetString() != "system").ToArray();
        rows.Should().HaveCount(31);
        var rowSpend = rows.Sum(r => r.GetProperty("spend").GetDecimal());
        var spent = (await GetKeyAsync(host, id)).GetProperty("spent").GetDecimal();
        spent.Should().Be(rowSpend).And.Be(served * PerRequest);
        served.Should().BeGreaterThanOrEqualTo(4, "requests are admitted while the budget is not yet spent");
        (spent - budget).Should().BeLessThan(10 * PerRequest, "only the requests of one wave were ever in flight together");
        var storedNano = await host.QueryScalarAsync<long>($"SELECT SUM(spend_nano) FROM key_spend WHERE key_id = {id}");
        var rowsNano = await host.QueryScalarAsync<long>($"SELECT SUM(spend_nano) FROM logs WHERE key_id = {id}");
        storedNano.Should().Be(rowsNano);
        (await host.BalanceAsync(account)).Should().Be(10m - rowSpend);
    }

    [Fact]
    public async Task SequentialRequests_RefusedOnceSpent_NotBefore()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 1000, CompletionTokens = 0 };
        var (id, key) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m), $"\"budget\":{PerRequest * 3}");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            statuses.Add((await CallAsync(host, key)).Status);

        statuses.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.PaymentRequired, HttpStatusCode.PaymentRequired);
        (await GetKeyAsync(host, id)).GetProperty("spent").GetDecimal().Should().Be(PerRequest * 3);
    }

    [Fact]
    public async Task RaisingTheBudget_AdmitsTheNextRequest()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 1000, CompletionTokens = 0 };
        var (id, key) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m), $"\"budget\":{PerRequest}");
        await CallAsync(host, key);
        (await CallAsync(host, key)).Status.Should().Be(HttpStatusCode.PaymentRequired);

        (await PatchKeyAsync(host, id, $$"""{"budget":{{PerRequest * 2}}}""")).Status.Should().Be(HttpStatusCode.OK);

        (await CallAsync(host, key)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("daily")]
    [InlineData("monthly")]
    public async Task NewPeriod_SpentStartsFromZero_TotalDoesNot(string period)
    {
        var clock = new ShiftedClock();
        var start = DateTimeOffset.UtcNow;
        // Noon on the 10th of this month: far from either boundary, so the test's own time cannot cross one.
        clock.MoveTo(new DateTimeOffset(start.Year, start.Month, 10, 12, 0, 0, TimeSpan.Zero));
        await using var host = await GatewayHost.StartAsync(clock: clock);
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 1000, CompletionTokens = 0 };
        var account = await host.CreateAccountAsync(1m);
        var (id, key) = await CreateKeyAsync(host, account, $"\"budget\":{PerRequest},\"budget_period\":\"{period}\"");
        var (totalId, totalKey) = await CreateKeyAsync(host, account, $"\"budget\":{PerRequest}", name: "total");
        await CallAsync(host, key);
        await CallAsync(host, totalKey);
        (await CallAsync(host, key)).Status.Should().Be(HttpStatusCode.PaymentRequired);
        var before = await GetKeyAsync(host, id);

        var now = clock.GetUtcNow();
        clock.MoveTo(period == "daily" ? now.Date.AddDays(1).AddMinutes(1) : new DateTimeOffset(now.Year, now.Month, 1, 0, 1, 0, TimeSpan.Zero).AddMonths(1));
        var next = await CallAsync(host, key);
        var total = await CallAsync(host, totalKey);
        var after = await GetKeyAsync(host, id);

        before.GetProperty("spent").GetDecimal().Should().Be(PerRequest);
        next.Status.Should().Be(HttpStatusCode.OK, "a new period has its whole budget");
        (total.Status, ErrorCode(total.Body)).Should().Be((HttpStatusCode.PaymentRequired, "key_budget_exceeded"));
        after.GetProperty("spent").GetDecimal().Should().Be(PerRequest, "the new period holds the one request since");
        after.GetProperty("period_start").GetDateTimeOffset().Should().BeAfter(before.GetProperty("period_end").GetDateTimeOffset().AddTicks(-1));
        (await GetKeyAsync(host, totalId)).GetProperty("spent").GetDecimal().Should().Be(PerRequest);
    }
}
