using Gateway.Configuration;

namespace Gateway.Tests.Gateway.Configuration;

public class GatewayOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        new GatewayOptionsValidator().Validate(null, new GatewayOptions()).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData(nameof(GatewayOptions.MaxRequestBodyBytes), 0)]
    [InlineData(nameof(GatewayOptions.StoreBusyTimeoutMs), 0)]
    [InlineData(nameof(GatewayOptions.UpstreamMaxAttempts), 0)]
    [InlineData(nameof(GatewayOptions.UpstreamMaxAttempts), 11)]
    [InlineData(nameof(GatewayOptions.UpstreamRetryBudgetMs), -1)]
    [InlineData(nameof(GatewayOptions.UpstreamRetryDelayMs), -1)]
    [InlineData(nameof(GatewayOptions.UpstreamRetryDelayMs), 60_001)]
    [InlineData(nameof(GatewayOptions.BreakerMinimumThroughput), 1)]
    [InlineData(nameof(GatewayOptions.BreakerBreakSeconds), 0)]
    [InlineData(nameof(GatewayOptions.BreakerBreakSeconds), 86_401)]
    [InlineData(nameof(GatewayOptions.RetentionDays), -1)]
    public void Validate_NumberOutOfRange_FailsNamingTheKey(string property, long value)
    {
        var options = new GatewayOptions();
        var target = typeof(GatewayOptions).GetProperty(property)!;
        target.SetValue(options, Convert.ChangeType(value, target.PropertyType));

        var result = new GatewayOptionsValidator().Validate(null, options);

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain($"Gateway:{property}");
    }

    [Fact]
    public void Validate_TrustedProxyNotAnIp_FailsNamingItsIndex()
    {
        var result = new GatewayOptionsValidator().Validate(null, new GatewayOptions { TrustedProxies = ["10.0.0.1", "proxy.local"] });

        result.FailureMessage.Should().Contain("Gateway:TrustedProxies:1").And.NotContain("TrustedProxies:0");
    }
}
