using System.Diagnostics;
using System.Net;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.KeyPolicyHelpers;
using static Gateway.Tests.EndToEnd.ModelPriceTests;

namespace Gateway.Tests.EndToEnd.Postgres;

/// <summary>
/// SPEC §13 with two instances on one PostgreSQL: a price set or removed on one is applied on the other within 2
/// seconds, through the change feed (Redis), or, without Redis, by the other's poll of the store.
/// </summary>
[Collection(RedisCollection.Name)]
[Trait(StoreTraits.Name, StoreTraits.Postgres)]
public class ModelPriceClusterTests
{
    [Fact]
    public async Task PutAndDeleteOnOneInstance_AppliedOnTheOtherWithin2Seconds_ThroughTheFeed()
    {
        await using var redis = await RedisServer.StartAsync();
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        // The poll waits an hour: only the change feed can tell B in time.
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.ConnectionString, ["Gateway:PriceRefreshSeconds"] = "3600" };
        await using var a = await GatewayHost.StartAsync(new Dictionary<string, string?>(settings), connectionString: database);
        await using var b = await GatewayHost.StartAsync(new Dictionary<string, string?>(settings), connectionString: database);
        var key = await a.CreateKeyAsync(await a.CreateAccountAsync(10m));
        (await RatioChargedAsync(b, key)).Should().Be(1m);

        (await PutAsync(a, "test-model", """{"cluster":"openai","model_ratio":3}""")).Status.Should().Be(HttpStatusCode.OK);
        var applied = await TimeUntilChargedAsync(b, key, 3m);
        (await a.Admin.DeleteAsync("/admin/models/test-model")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var removed = await TimeUntilChargedAsync(b, key, 1m);

        applied.Should().BeLessThan(TimeSpan.FromSeconds(2));
        removed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        (await b.GetJsonAsync("/admin/models/test-model")).Body.GetProperty("source").GetString().Should().Be("appsettings");
    }

    [Fact]
    public async Task PutOnOneInstance_WithoutRedis_TheOthersPollAppliesIt()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var a = await GatewayHost.StartAsync(connectionString: database);
        await using var b = await GatewayHost.StartAsync(connectionString: database);
        var key = await a.CreateKeyAsync(await a.CreateAccountAsync(10m));
        (await RatioChargedAsync(b, key)).Should().Be(1m);

        (await PutAsync(a, "test-model", """{"cluster":"openai","model_ratio":3}""")).Status.Should().Be(HttpStatusCode.OK);
        var applied = await TimeUntilChargedAsync(b, key, 3m);

        // Gateway:PriceRefreshSeconds is 2 by default; a request's round trip on top.
        applied.Should().BeLessThan(TimeSpan.FromSeconds(3));
    }

    /// <summary>Calls until a call is charged at <paramref name="ratio"/>; how long that took (fails past 10 seconds).</summary>
    private static async Task<TimeSpan> TimeUntilChargedAsync(GatewayHost host, string key, decimal ratio)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var elapsed = watch.Elapsed;
            if (await RatioChargedAsync(host, key) == ratio)
                return elapsed;
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), $"the instance should charge ratio {ratio} by then");
            await Task.Delay(50);
        }
    }

    /// <summary>One call through the instance; the model ratio its row (found by the answer's x-request-id) was charged at.</summary>
    private static async Task<decimal> RatioChargedAsync(GatewayHost host, string key)
    {
        using var client = host.NewClient(key);
        using var response = await client.PostAsync(Chat, ChatCompletionsTests.JsonContent("""{"model":"test-model","messages":[{"role":"user","content":"hi"}]}"""));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var requestId = response.Headers.GetValues("x-request-id").Single();
        var row = (await host.RowsOfTypeAsync("consume")).Single(r => r.GetProperty("request_id").GetString() == requestId);
        return row.GetProperty("details").GetProperty("model_ratio").GetDecimal();
    }
}
