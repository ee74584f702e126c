using Gateway.Configuration;

namespace Gateway.Tests.Gateway.Configuration;

public class CatalogOptionsValidatorTests
{
    private static readonly CatalogOptionsValidator Validator = new(new HashSet<string>(["openai", "anthropic"], StringComparer.OrdinalIgnoreCase));

    [Fact]
    public void Validate_ShippedShape_Succeeds()
    {
        var options = new CatalogOptions
        {
            Models = { ["gpt-4o-mini"] = new ModelOptions { Cluster = "openai", ModelRatio = 0.075m, CompletionRatio = 4 }, ["img"] = new ModelOptions { Cluster = "openai", Price = 0.04m } },
            Groups = { ["vip"] = new GroupOptions { Ratio = 0.8m } },
        };

        Validator.Validate(null, options).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("nowhere", null, null, null, "Models:m:Cluster names 'nowhere'")]
    [InlineData("", null, null, null, "Models:m:Cluster is required")]
    [InlineData("openai", "-1", null, null, "Models:m:ModelRatio is negative")]
    [InlineData("openai", null, "-0.5", null, "Models:m:CompletionRatio is negative")]
    [InlineData("openai", "1", null, "0.04", "Models:m sets both Price and ratios")]
    public void Validate_BadModel_FailsNamingTheKey(string cluster, string? modelRatio, string? completionRatio, string? price, string expected)
    {
        var options = new CatalogOptions
        {
            Models =
            {
                ["m"] = new ModelOptions
                {
                    Cluster = cluster,
                    ModelRatio = modelRatio is null ? null : decimal.Parse(modelRatio),
                    CompletionRatio = completionRatio is null ? null : decimal.Parse(completionRatio),
                    Price = price is null ? null : decimal.Parse(price),
                },
            },
        };

        var result = Validator.Validate(null, options);

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain(expected);
    }

    [Fact]
    public void Validate_NegativeGroupRatio_FailsNamingTheKey()
    {
        var options = new CatalogOptions { Groups = { ["cheap"] = new GroupOptions { Ratio = -1 } } };

        Validator.Validate(null, options).FailureMessage.Should().Contain("Groups:cheap:Ratio is negative");
    }
}
