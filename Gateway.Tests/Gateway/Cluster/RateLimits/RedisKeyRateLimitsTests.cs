using Gateway.Cluster;
using Gateway.Cluster.RateLimits;
using Gateway.Configuration;
using Gateway.Proxy;
using Gateway.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Gateway.Proxy.RateLimits;

namespace Gateway.Tests.Gateway.Cluster.RateLimits;

/// <summary>The Lua windows on a real Redis decide as the in-process limiter does, request by request.</summary>
[Collection(EndToEnd.RedisCollection.Name)]   // connecting sets the process-wide gateway_redis_up
public class RedisKeyRateLimitsTests
{
    [Fact]
    public async Task Acquire_SameRequestsAndTokens_SameDecisionsAndHeadersAsTheLocalLimiter()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var link = await ConnectAsync(redis);
        var shared = new RedisKeyRateLimits(link, new KeyRateLimiter(TimeProvider.System), Options.Create(new ClusterOptions()));
        var local = new KeyRateLimiter(TimeProvider.System);
        var limits = new GroupOptions { Rpm = 3, Tpm = 50 };

        // Requests, with tokens after some: the third request spends the tokens, the fourth the requests.
        long[] tokensAfter = [10, 0, 45, 0, 0];
        foreach (var tokens in tokensAfter)
        {
            var expected = local.TryAcquire(7, limits);
            var actual = await shared.TryAcquireAsync(7, limits);

            actual.Should().BeEquivalentTo(expected, o => o.Excluding(d => d.ResetRequests).Excluding(d => d.RetryAfter));
            actual.ResetRequests.Should().BeCloseTo(expected.ResetRequests, TimeSpan.FromSeconds(2));
            actual.RetryAfter.Should().BeCloseTo(expected.RetryAfter, TimeSpan.FromSeconds(2));
            if (expected.Allowed)
            {
                local.RecordTokens(7, tokens);
                await shared.RecordTokensAsync(7, limits, tokens);
            }
        }
        link.IsUp.Should().BeTrue("every decision above came from Redis, none from the fallback");
    }

    [Fact]
    public async Task Keys_NamespacedAndExpiring()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var link = await ConnectAsync(redis);
        var shared = new RedisKeyRateLimits(link, new KeyRateLimiter(TimeProvider.System), Options.Create(new ClusterOptions()));
        var limits = new GroupOptions { Tpm = 100 };

        await shared.TryAcquireAsync(42, limits);
        await shared.RecordTokensAsync(42, limits, 5);

        var server = link.Database.Multiplexer.GetServers().Single();
        var keys = server.Keys(pattern: "*").Select(k => (string)k!).Order().ToArray();
        keys.Should().Equal("gateway:rl:{42}:req", "gateway:rl:{42}:tok", "gateway:rl:{42}:toksum");
        foreach (var key in keys)
            (await link.Database.KeyTimeToLiveAsync(key)).Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
    }

    private static async Task<RedisLink> ConnectAsync(RedisServer redis)
    {
        var link = new RedisLink(redis.ConnectionString, Options.Create(new ClusterOptions()), TimeProvider.System, NullLogger<RedisLink>.Instance);
        await link.ConnectAsync();
        return link;
    }
}
