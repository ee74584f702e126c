using Gateway.Configuration;
using Gateway.Proxy;
using Metering.Pricing;
using Gateway.Proxy.Pricing;

namespace Gateway.Tests.Gateway.Proxy.Pricing;

/// <summary>A model's price for a group is built once per group ratio, and keeps the ratio as configured.</summary>
public class CatalogModelTests
{
    private static readonly CatalogModel Model = CatalogModel.From("m", new ModelOptions { Cluster = "openai", ModelRatio = 2m });

    [Fact]
    public void PriceFor_SameRatio_TheSameSheet_WithTheGroupRatio()
    {
        var sheet = Model.PriceFor(1.5m);

        Model.PriceFor(1.5m).Should().BeSameAs(sheet);
        sheet.Should().Be(Model.BasePrice with { GroupRatio = 1.5m });
    }

    [Fact]
    public void PriceFor_EqualRatiosOfAnotherScale_EachKeepsItsOwn()
    {
        // 1.5 and 1.50 are equal decimals; the row's details show the ratio as configured.
        var plain = Model.PriceFor(1.5m);
        var scaled = Model.PriceFor(1.50m);

        plain.GroupRatio.ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be("1.5");
        scaled.GroupRatio.ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be("1.50");
    }
}
