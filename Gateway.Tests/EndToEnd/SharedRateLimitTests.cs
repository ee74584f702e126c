using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Gateway.Tests.Fakes;
using StackExchange.Redis;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// SPEC §10: two gateway instances (each its own SQLite file) on one real Redis share every key's RPM/TPM
/// windows; with Redis gone they fall back to their own windows (or refuse, when told), say so in
/// /healthz and /metrics, and share again once it is back.
/// </summary>
[Collection(RedisCollection.Name)]
public class SharedRateLimitTests
{
    private const string Plain = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Rpm_TwoInstancesOneRedis_AdmitExactlyRpmBetweenThem()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var pair = await InstancePair.StartAsync(redis, new() { ["Groups:limited:Rpm"] = "5" });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
            statuses.Add((await pair.Client(i).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode);

        statuses.Count(s => s == HttpStatusCode.OK).Should().Be(5);
        statuses.Skip(5).Should().AllSatisfy(s => s.Should().Be(HttpStatusCode.TooManyRequests));
        (pair.A.Upstream.Received.Count + pair.B.Upstream.Received.Count).Should().Be(5);
    }

    [Fact]
    public async Task Start_BothScriptsAreCompiledInRedisBeforeTheFirstRequest()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var pair = await InstancePair.StartAsync(redis, new() { ["Groups:limited:Rpm"] = "5" });
        await using var direct = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var server = direct.GetServer(direct.GetEndPoints()[0]);

        // A fresh instance's first admission used to load the script and JIT the client's script path inside the
        // request's 250 ms budget, and fell back to its local window when that ran over (more than Rpm admitted).
        server.ScriptExists(global::Gateway.Cluster.RateLimits.RateLimitScripts.Acquire).Should().BeTrue();
        server.ScriptExists(global::Gateway.Cluster.RateLimits.RateLimitScripts.RecordTokens).Should().BeTrue();
        (pair.A.Upstream.Received.Count + pair.B.Upstream.Received.Count).Should().Be(0, "no request was sent");
    }

    [Fact]
    public async Task KeyRpm_OverridesTheGroups_SharedByBothInstances()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var pair = await InstancePair.StartAsync(redis, new() { ["Groups:limited:Rpm"] = "100" });
        // Each instance has its own store here: the key (id 1 in both) gets its own rpm in each.
        foreach (var host in new[] { pair.A, pair.B })
            (await host.Admin.PatchAsync("/admin/keys/1", JsonContent("""{"rpm":3}"""))).StatusCode.Should().Be(HttpStatusCode.OK);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
            statuses.Add((await pair.Client(i).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode);

        statuses.Count(s => s == HttpStatusCode.OK).Should().Be(3, "the key's rpm of 3, not the group's 100, is shared through Redis");
    }

    [Fact]
    public async Task Rpm_RefusedOnTheOtherInstance_SameHeadersAsOneInstance()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var pair = await InstancePair.StartAsync(redis, new() { ["Groups:limited:Rpm"] = "2" });

        var first = await pair.Client(0).PostAsync("/v1/chat/completions", JsonContent(Plain));
        await pair.Client(1).PostAsync("/v1/chat/completions", JsonContent(Plain));
        var third = await pair.Client(0).PostAsync("/v1/chat/completions", JsonContent(Plain));

        await RateLimitTests.ShouldBeRpmOfTwoAsync(first, third);
        (await pair.A.RowsOfTypeAsync("error")).Single().GetProperty("status").GetInt32().Should().Be(429);
    }

    [Fact]
    public async Task Tpm_TokensUsedOnOneInstance_CountOnTheOther()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var pair = await InstancePair.StartAsync(redis, new() { ["Groups:limited:Tpm"] = "30" });
        foreach (var host in new[] { pair.A, pair.B })
            host.Upstream.Behavior = new FakeBehavior { PromptTokens = 12, CompletionTokens = 9 };

        (await pair.Client(0).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);
        var second = await pair.Client(1).PostAsync("/v1/chat/completions", JsonContent(Plain));
        var third = await pair.Client(0).PostAsync("/v1/chat/completions", JsonContent(Plain));

        second.StatusCode.Should().Be(HttpStatusCode.OK);
        second.Headers.GetValues("x-ratelimit-remaining-tokens").Single().Should().Be("9", "the 21 tokens the first instance served count here");
        third.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        third.Headers.GetValues("x-ratelimit-limit-tokens").Single().Should().Be("30");
    }

    [Fact]
    public async Task RedisStopped_LocalFallbackSaidInHealthAndMetrics_SharedAgainOnceBack()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var pair = await InstancePair.StartAsync(redis, new() { ["Groups:limited:Rpm"] = "2" });
        (await pair.Client(0).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);

        await redis.StopAsync();
        var health = await WaitForHealthAsync(pair.A, "degraded");
        var fallbacksBefore = await FallbacksAsync(pair.A, "local");
        var servedAlone = await pair.Client(0).PostAsync("/v1/chat/completions", JsonContent(Plain));

        health.GetProperty("reason").GetString().Should().Contain("Redis").And.Contain("this instance alone");
        servedAlone.StatusCode.Should().Be(HttpStatusCode.OK, "the instance's own window is empty: the shared one is out of reach");
        (await FallbacksAsync(pair.A, "local")).Should().BeGreaterThan(fallbacksBefore);
        (await pair.A.Admin.GetStringAsync("/metrics")).Should().Contain("gateway_redis_up 0");

        await redis.RestartAsync();
        await WaitForHealthAsync(pair.A, "ok");
        await WaitForHealthAsync(pair.B, "ok");
        // The restarted Redis is empty: a fresh shared window of 2 for both instances together.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
            statuses.Add((await pair.Client(i).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode);

        statuses.Count(s => s == HttpStatusCode.OK).Should().Be(2);
        (await pair.A.Admin.GetStringAsync("/metrics")).Should().Contain("gateway_redis_up 1");
    }

    [Fact]
    public async Task RedisStopped_RefuseWhenRedisDown_503InTheRouteFormat_UnlimitedKeysServed()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString, ["Groups:limited:Rpm"] = "5", ["Gateway:RefuseWhenRedisDown"] = "true",
        });
        var account = await host.CreateAccountAsync(1m);
        var limited = host.NewClient(await host.CreateKeyAsync(account, "limited", "limited"));
        var unlimited = host.NewClient(await host.CreateKeyAsync(account, "unlimited"));

        await redis.StopAsync();
        var health = await WaitForHealthAsync(host, "degraded");
        var openAI = await limited.PostAsync("/v1/chat/completions", JsonContent(Plain));
        var anthropic = await limited.PostAsync("/v1/messages", JsonContent("""{"model":"test-model","max_tokens":5,"messages":[]}"""));
        var served = await unlimited.PostAsync("/v1/chat/completions", JsonContent(Plain));

        health.GetProperty("reason").GetString().Should().Contain("refused (503)");
        openAI.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        JsonDocument.Parse(await openAI.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString()
            .Should().Be("rate_limits_unavailable");
        anthropic.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var anthropicBody = JsonDocument.Parse(await anthropic.Content.ReadAsStringAsync()).RootElement;
        anthropicBody.GetProperty("type").GetString().Should().Be("error");
        anthropicBody.GetProperty("error").GetProperty("type").GetString().Should().Be("overloaded_error");
        served.StatusCode.Should().Be(HttpStatusCode.OK, "a key without limits needs no shared window");
        host.Upstream.Received.Should().HaveCount(1);
        (await host.RowsOfTypeAsync("error")).Select(r => r.GetProperty("status").GetInt32()).Should().Equal(503, 503);
        (await FallbacksAsync(host, "refused")).Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task RedisPaused_AdmissionDecidesLocallyWithoutWaitingForIt()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString, ["Groups:limited:Rpm"] = "5", ["Gateway:RedisTimeoutMs"] = "200",
        });
        var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m), "limited", "limited"));
        (await client.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);
        await using (var admin = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true"))
            await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "8000", "ALL");

        var watch = Stopwatch.StartNew();
        var response = await client.PostAsync("/v1/chat/completions", JsonContent(Plain));
        watch.Stop();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(6), "Redis answers nothing for 8 s; the gateway waits 200 ms for it");
    }

    [Fact]
    public async Task RedisUnreachableAtStart_GatewayServes_PasswordInNoAnswerOrLog()
    {
        const string password = "redis-password-never-shown";
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{FreePort.Next()},password={password},connectTimeout=500", ["Groups:limited:Rpm"] = "5",
        });
        var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m), "limited", "limited"));

        var health = await WaitForHealthAsync(host, "degraded");
        var served = await client.PostAsync("/v1/chat/completions", JsonContent(Plain));
        var revoked = await host.Admin.DeleteAsync("/admin/keys/1");   // its publish fails: logged, not an error

        served.StatusCode.Should().Be(HttpStatusCode.OK);
        revoked.StatusCode.Should().Be(HttpStatusCode.NoContent);
        health.GetRawText().Should().NotContain(password);
        (await host.Admin.GetStringAsync("/metrics")).Should().NotContain(password);
        host.Logs.Lines.Should().Contain(l => l.Contains("Redis unusable")).And.NotContain(l => l.Contains(password));
    }

    /// <summary>Polls /healthz until its status is <paramref name="status"/> (Redis's loss or return is noticed within a few seconds).</summary>
    internal static async Task<JsonElement> WaitForHealthAsync(GatewayHost host, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var (code, body) = await host.GetJsonAsync("/healthz", key: null);
            code.Should().Be(HttpStatusCode.OK, "a gateway without Redis still serves");
            if (body.GetProperty("status").GetString() == status || DateTime.UtcNow > deadline)
            {
                body.GetProperty("status").GetString().Should().Be(status);
                return body;
            }
            await Task.Delay(100);
        }
    }

    private static async Task<double> FallbacksAsync(GatewayHost host, string action)
    {
        var text = await host.Admin.GetStringAsync("/metrics");
        var match = System.Text.RegularExpressions.Regex.Match(text, $"gateway_rate_limit_redis_fallbacks_total\\{{action=\"{action}\"\\}} ([0-9.e+]+)");
        return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
