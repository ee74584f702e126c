using System.Net;
using Gateway.Tests.Fakes;

namespace Gateway.Tests.EndToEnd;

/// <summary>The web page and its files carry the headers of SPEC §9; the API keeps its own.</summary>
public class PageHeadersTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/js/app.js")]
    [InlineData("/css/app.css")]
    [InlineData("/vendor/chart.umd.min.js")]
    public async Task Page_AnyFile_ServedWithCspNosniffAndNoReferrer(string path)
    {
        await using var host = await GatewayHost.StartAsync();

        var response = await host.NewClient().GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        csp.Should().Contain("frame-ancestors 'none'").And.Contain("script-src 'self'").And.NotContain("unsafe-inline").And.NotContain("unsafe-eval");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
    }

    [Fact]
    public async Task Page_Html_HasNoInlineScriptStyleOrHandlers()
    {
        await using var host = await GatewayHost.StartAsync();

        var html = await host.NewClient().GetStringAsync("/");

        html.Should().NotMatchRegex(@"<script(?![^>]*\bsrc=)[^>]*>", "inline script is blocked by script-src 'self'");
        html.Should().NotMatchRegex(@"\son[a-z]+\s*=", "inline event handlers are blocked by the CSP");
        html.Should().NotMatchRegex(@"\sstyle\s*=", "style attributes are blocked by style-src 'self'");
        html.Should().NotContain("<style");
    }
}
