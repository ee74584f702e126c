using Gateway.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.EndToEnd;

/// <summary>SPEC §10 at start: limits that only each instance would count are refused; a Redis string is checked, never echoed.</summary>
/// <remarks>Each test names its store itself: not part of the PostgreSQL pass.</remarks>
[Trait(StoreTraits.Name, StoreTraits.SqliteOnly)]
public class ClusterStartupTests
{
    private const string Postgres = "Host=127.0.0.1;Port=1;Database=gateway;Username=gw;Password=pg-secret-never-shown";

    [Fact]
    public async Task Start_PostgresWithLimitsAndNoRedis_RefusedNamingPerInstanceRateLimits()
    {
        var start = () => StartupTests.StartExpectingFailureAsync(new() { ["ConnectionStrings:Gateway"] = Postgres, ["Groups:limited:Rpm"] = "10" });

        var message = (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message;
        message.Should().Contain("Groups:limited").And.Contain("ConnectionStrings:Redis").And.Contain("Gateway:PerInstanceRateLimits=true");
        message.Should().NotContain("pg-secret-never-shown");
    }

    [Fact]
    public async Task Start_PostgresWithLimitsAndPerInstanceRateLimits_PassesTheRule()
    {
        var start = () => StartupTests.StartExpectingFailureAsync(new()
        {
            ["ConnectionStrings:Gateway"] = Postgres, ["Groups:limited:Rpm"] = "10", ["Gateway:PerInstanceRateLimits"] = "true",
        });

        // The start may still fail on the PostgreSQL store itself (not reachable here), never on this rule.
        var failure = await Record.ExceptionAsync(start);
        failure?.Message.Should().NotContain("PerInstanceRateLimits");
    }

    [Fact]
    public async Task Start_SqliteWithLimitsAndNoRedis_Starts()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Groups:limited:Rpm"] = "10" });

        (await host.GetJsonAsync("/healthz")).Body.GetProperty("status").GetString().Should().Be("ok");
    }

    [Theory]
    [InlineData("nohost:notaport,password=redis-secret-never-shown")]
    [InlineData("password=redis-secret-never-shown")]
    [InlineData("127.0.0.1:6379,password=redis-secret-never-shown,unknownOption=1")]
    public async Task Start_UnreadableRedisConnectionString_RefusedWithoutEchoingIt(string connectionString)
    {
        var start = () => StartupTests.StartExpectingFailureAsync(new() { ["ConnectionStrings:Redis"] = connectionString });

        var message = (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message;
        message.Should().Contain("ConnectionStrings:Redis").And.NotContain("redis-secret-never-shown");
    }
}
