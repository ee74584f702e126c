using System.Diagnostics;
using System.Net;
using Gateway.Tests.Fakes;
using Microsoft.Data.Sqlite;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// SPEC §10: a change made on one instance reaches every other within 2 seconds, through Redis pub/sub;
/// a cached key is read again after Gateway:KeyCacheSeconds, for a message that was lost.
/// </summary>
[Collection(RedisCollection.Name)]
[Trait(StoreTraits.Name, StoreTraits.SqliteOnly)] // two instances on two SQLite files, one edited behind the gateway's back
public class ChangeFeedTests
{
    private const string Plain = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";

    // No rate limits; the key cache is never re-read by age, so only the feed can tell the other instance.
    private static Dictionary<string, string?> Settings() => new() { ["Groups:limited:Ratio"] = "1", ["Gateway:KeyCacheSeconds"] = "3600" };

    [Fact]
    public async Task KeyRevokedOnOneInstance_RefusedByTheOtherWithin2Seconds()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var pair = await InstancePair.StartAsync(redis, Settings());
        (await pair.Client(1).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK, "B has the key cached now");

        (await pair.A.Admin.DeleteAsync("/admin/keys/1")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var refusedAfter = await TimeUntilAsync(pair.Client(1), HttpStatusCode.Unauthorized);

        // B's own store still holds the key live: only the message from A can have refused it.
        refusedAfter.Should().BeLessThan(TimeSpan.FromSeconds(2));
        (await pair.Client(0).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AccountToppedUpOnOneInstance_TheOtherReadsItsBalanceAgainWithin2Seconds()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var pair = await InstancePair.StartAsync(redis, Settings());
        (await pair.Client(1).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK, "B has the balance in memory now");
        // What another instance's debits would have done to the shared store, unseen by B's memory.
        await ExecuteAsync(pair.B, "UPDATE accounts SET balance_nano = 0 WHERE id = 1");
        (await pair.Client(1).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK, "B still trusts its memory");

        (await pair.A.Admin.PostAsync("/admin/accounts/1/topup", JsonContent("""{"amount":1}"""))).StatusCode.Should().Be(HttpStatusCode.OK);
        var refusedAfter = await TimeUntilAsync(pair.Client(1), HttpStatusCode.PaymentRequired);

        refusedAfter.Should().BeLessThan(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task KeyRevokedWhileRedisWasDown_ReadAgainWhenRedisReturns()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var pair = await InstancePair.StartAsync(redis, Settings());
        (await pair.Client(1).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);
        await redis.StopAsync();
        await SharedRateLimitTests.WaitForHealthAsync(pair.B, "degraded");

        // Revoked in the (shared) store while no message can reach B.
        await ExecuteAsync(pair.B, "UPDATE api_keys SET revoked_ms = 1 WHERE id = 1");
        var servedMeanwhile = await pair.Client(1).PostAsync("/v1/chat/completions", JsonContent(Plain));
        await redis.RestartAsync();
        await SharedRateLimitTests.WaitForHealthAsync(pair.B, "ok");
        var refusedAfter = await TimeUntilAsync(pair.Client(1), HttpStatusCode.Unauthorized);

        servedMeanwhile.StatusCode.Should().Be(HttpStatusCode.OK, "B's cache still holds the key, and KeyCacheSeconds is an hour");
        refusedAfter.Should().BeLessThan(TimeSpan.FromSeconds(10), "every cached key is read again once Redis is back");
    }

    [Fact]
    public async Task RedisDownAtStart_FeedAndSharedLimitsWorkOnceItComes()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.StopAsync();
        var settings = Settings();
        settings["Groups:limited:Rpm"] = "2";
        await using var pair = await InstancePair.StartAsync(redis, settings);
        (await SharedRateLimitTests.WaitForHealthAsync(pair.B, "degraded")).GetProperty("reason").GetString().Should().Contain("Redis");

        await redis.RestartAsync();
        await SharedRateLimitTests.WaitForHealthAsync(pair.A, "ok");
        await SharedRateLimitTests.WaitForHealthAsync(pair.B, "ok");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            statuses.Add((await pair.Client(i).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode);
        (await pair.A.Admin.DeleteAsync("/admin/keys/1")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var refusedAfter = await TimeUntilAsync(pair.Client(1), HttpStatusCode.Unauthorized);

        statuses.Count(s => s == HttpStatusCode.OK).Should().Be(2, "the windows are shared once Redis is reached");
        refusedAfter.Should().BeLessThan(TimeSpan.FromSeconds(2), "the feed was subscribed once Redis was reached");
    }

    [Fact]
    public async Task KeyRevokedInTheStoreAlone_RefusedOnceItsCacheEntryIsOlderThanKeyCacheSeconds()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:KeyCacheSeconds"] = "1" });
        var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));
        (await client.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);

        // As another instance revokes it when the feed is down: the store changes, no message comes.
        await ExecuteAsync(host, "UPDATE api_keys SET revoked_ms = 1 WHERE id = 1");
        var refusedAfter = await TimeUntilAsync(client, HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(20));

        // Without the re-check by age, the cached key would be served until the process restarts.
        refusedAfter.Should().BeLessThan(TimeSpan.FromSeconds(20));
    }

    /// <summary>Sends requests until one gets <paramref name="status"/>; how long that took (fails past <paramref name="limit"/>).</summary>
    private static async Task<TimeSpan> TimeUntilAsync(HttpClient client, HttpStatusCode status, TimeSpan? limit = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var elapsed = watch.Elapsed;
            if ((await client.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode == status)
                return elapsed;
            elapsed.Should().BeLessThan(limit ?? TimeSpan.FromSeconds(10), $"the instance should answer {status} by then");
            await Task.Delay(50);
        }
    }

    /// <summary>Changes the instance's store behind its back (accounts and keys live in the ledger file), as another instance would.</summary>
    private static async Task ExecuteAsync(GatewayHost host, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={host.LedgerPath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = 5000; {sql}";
        await command.ExecuteNonQueryAsync();
    }
}
