using Gateway.Cluster;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Gateway.Cluster;

public class ClusterOptionsValidatorTests
{
    [Theory]
    [InlineData(false, null, false, true)]     // SQLite: one process, its own limits
    [InlineData(true, "127.0.0.1:6379", false, true)]
    [InlineData(true, null, true, true)]       // per-instance limits accepted explicitly
    [InlineData(true, null, false, false)]     // SPEC §10: refused
    public void Validate_PostgresWithLimits_NeedsRedisOrPerInstanceRateLimits(bool postgres, string? redis, bool perInstance, bool valid)
    {
        var validator = new ClusterOptionsValidator(redis, postgres, Catalog(rpm: 10));

        validator.Validate(null, new ClusterOptions { PerInstanceRateLimits = perInstance }).Succeeded.Should().Be(valid);
    }

    [Fact]
    public void Validate_PostgresWithoutLimitsOrRedis_Succeeds() =>
        new ClusterOptionsValidator(null, postgres: true, Catalog(rpm: 0)).Validate(null, new ClusterOptions()).Succeeded.Should().BeTrue();

    [Theory]
    [InlineData("127.0.0.1:6379", true)]
    [InlineData("redis.internal:6380,password=pw,ssl=true,abortConnect=false", true)]
    [InlineData("password=pw", false)]
    [InlineData("127.0.0.1:6379,notAnOption=1", false)]
    public void Validate_RedisConnectionString_ReadableWithAnEndpoint(string connectionString, bool valid)
    {
        var result = new ClusterOptionsValidator(connectionString, postgres: false, Catalog(rpm: 0)).Validate(null, new ClusterOptions());

        result.Succeeded.Should().Be(valid);
        if (!valid)
            result.FailureMessage.Should().Contain("ConnectionStrings:Redis").And.NotContain("pw");
    }

    private static IOptions<CatalogOptions> Catalog(int rpm) => Options.Create(new CatalogOptions
    {
        Groups = { ["limited"] = new GroupOptions { Rpm = rpm } },
    });
}
