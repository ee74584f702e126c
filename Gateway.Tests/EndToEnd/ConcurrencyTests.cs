using System.Net;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>Many requests on one account at once: one row each, and the balance exact to the nano-dollar.</summary>
public class ConcurrencyTests
{
    private const string Plain = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";
    private const string Streamed = """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task HundredMixedRequests_HundredRowsAndExactBalance()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 123, CompletionTokens = 45, CachedTokens = 7 };
        var account = await host.CreateAccountAsync(5m);
        var key = await host.CreateKeyAsync(account);
        var client = host.NewClient(key);

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            var response = await client.PostAsync("/v1/chat/completions", JsonContent(i % 2 == 0 ? Plain : Streamed));
            await response.Content.ReadAsStringAsync();
            return response;
        }));
        await host.Admin.PostAsync($"/admin/accounts/{account}/topup", JsonContent("""{"amount":0.123456789}"""));

        responses.Should().AllSatisfy(r => r.StatusCode.Should().Be(HttpStatusCode.OK));
        var rows = await host.RowsOfTypeAsync("consume");
        rows.Should().HaveCount(100);
        rows.Select(r => r.GetProperty("request_id").GetString()).Should().OnlyHaveUniqueItems();
        rows.Count(r => r.GetProperty("stream").GetBoolean()).Should().Be(50);
        var spent = rows.Sum(r => r.GetProperty("spend").GetDecimal());
        (await host.BalanceAsync(account)).Should().Be(5m + 0.123456789m - spent);
        var sumNano = await host.QueryScalarAsync<long>($"SELECT SUM(spend_nano) FROM logs WHERE account_id = {account}");
        (await host.QueryScalarAsync<long>($"SELECT balance_nano FROM accounts WHERE id = {account}"))
            .Should().Be(5_123_456_789 - sumNano);
    }

    [Fact]
    public async Task BalanceRunsOut_OverdraftBoundedByWhatWasInFlight()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, PromptTokens = 1000, CompletionTokens = 0, EventInterval = TimeSpan.FromMilliseconds(5) };
        var perRequest = 0.002m; // 1000 tokens × ratio 1 × $2 / 1M
        var account = await host.CreateAccountAsync(perRequest * 3.5m);
        var key = await host.CreateKeyAsync(account);
        var client = host.NewClient(key);

        var statuses = new List<HttpStatusCode>();
        for (var wave = 0; wave < 4; wave++)
        {
            var wave10 = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
            {
                var response = await client.PostAsync("/v1/chat/completions", JsonContent(Streamed));
                await response.Content.ReadAsStringAsync();
                return response.StatusCode;
            }));
            statuses.AddRange(wave10);
        }

        var served = statuses.Count(s => s == HttpStatusCode.OK);
        statuses.Count(s => s == HttpStatusCode.PaymentRequired).Should().Be(statuses.Count - served);
        served.Should().BeGreaterThanOrEqualTo(4).And.BeLessThanOrEqualTo(10 + 4);
        var balance = await host.BalanceAsync(account);
        balance.Should().Be(perRequest * 3.5m - served * perRequest);
        // Once the balance is gone, at most one wave that was already admitted may overdraw it.
        balance.Should().BeGreaterThan(-perRequest * 10);
        (await client.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
    }
}
