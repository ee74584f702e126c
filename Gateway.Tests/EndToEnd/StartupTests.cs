using Gateway.Tests.Fakes;

namespace Gateway.Tests.EndToEnd;

/// <summary>A catalog that would misprice or misroute stops start-up, naming the key.</summary>
public class StartupTests
{
    [Theory]
    [InlineData("Models:bad:Cluster", "nowhere", "Models:bad:Cluster names 'nowhere'")]
    [InlineData("Models:test-model:ModelRatio", "-2", "Models:test-model:ModelRatio is negative")]
    [InlineData("Models:test-model:Price", "0.01", "Models:test-model sets both Price and ratios")]
    [InlineData("Groups:cheap:Ratio", "-0.5", "Groups:cheap:Ratio is negative")]
    public async Task Start_InvalidCatalog_FailsWithMessageNamingTheKey(string key, string value, string expected)
    {
        var start = async () => await GatewayHost.StartAsync(new Dictionary<string, string?> { [key] = value });

        (await start.Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>())
            .Which.Message.Should().Contain(expected);
    }
}
