using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>Per-call APIs and fixed-price models: price × group ratio per successful call.</summary>
public class PerCallTests
{
    [Fact]
    public async Task PerCallApi_ForwardedAsRestWithQueryAndBilledPriceTimesGroupRatio()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account, group: "vip");

        var response = await host.NewClient(key).GetAsync("/apis/search/res/v1/web/search?q=gateway&count=3");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("path").GetString().Should().Be("/res/v1/web/search");
        var received = host.Upstream.Received.Single();
        received.Path.Should().Be("/res/v1/web/search");
        received.Query.Should().Be("?q=gateway&count=3");
        received.Headers["authorization"].Should().Be($"Bearer {GatewayHost.UpstreamKey}");
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("model").GetString().Should().Be("search");
        row.GetProperty("path").GetString().Should().Be("/apis/search/res/v1/web/search");
        row.GetProperty("spend").GetDecimal().Should().Be(0.004m); // 0.005 × 0.8
        row.GetProperty("details").GetProperty("price").GetDecimal().Should().Be(0.005m);
        row.GetProperty("input_tokens").GetInt64().Should().Be(0);
        (await host.BalanceAsync(account)).Should().Be(0.996m);
    }

    [Theory]
    [InlineData("text/html", 9_000)]
    [InlineData("image/png", 70_000)]
    public async Task PerCallApi_AnswerThatIsNotJson_IsServedAndBilledPerCall(string contentType, int size)
    {
        await using var host = await GatewayHost.StartAsync();
        var body = new byte[size];
        new Random(7).NextBytes(body);
        host.Upstream.Behavior = new FakeBehavior { Respond = c => ResponseShapesTests.WriteAsync(c, 200, contentType, null, body, declareLength: true, piece: 4_096) };
        var account = await host.CreateAccountAsync(1m);

        var response = await host.NewClient(await host.CreateKeyAsync(account)).GetAsync("/apis/search/render?q=x");

        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(body);
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("spend").GetDecimal().Should().Be(0.005m);
        (await host.BalanceAsync(account)).Should().Be(0.995m);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PerCallApi_UpstreamErrorWithEmptyBody_PassedOnWithItsStatus_ErrorRow(bool declareLength)
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior
        {
            Respond = c => ResponseShapesTests.WriteAsync(c, 404, "", null, [], declareLength, piece: 1),
        };
        var account = await host.CreateAccountAsync(1m);

        var response = await host.NewClient(await host.CreateKeyAsync(account)).GetAsync("/apis/search/missing");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var row = (await host.RowsOfTypeAsync("error")).Single();
        row.GetProperty("status").GetInt32().Should().Be(404);
        (await host.BalanceAsync(account)).Should().Be(1m);
    }

    [Fact]
    public async Task PerCallApi_UpstreamEchoingItsCredential_ClientSeesItMasked()
    {
        await using var host = await GatewayHost.StartAsync();
        // An API that echoes the request's headers (many do) would hand the operator's key to the caller.
        host.Upstream.Behavior = new FakeBehavior
        {
            Respond = c => ResponseShapesTests.WriteAsync(c, 200, "application/json", null,
                System.Text.Encoding.UTF8.GetBytes($$"""{"headers":{"authorization":"{{c.Request.Headers.Authorization}}"},"padding":"{{new string('p', 6000)}}"}"""),
                declareLength: true, piece: 7),
        };
        var account = await host.CreateAccountAsync(1m);

        var response = await host.NewClient(await host.CreateKeyAsync(account)).GetAsync("/apis/search/echo");
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().NotContain(GatewayHost.UpstreamKey).And.Contain("\"authorization\":\"Bearer ***\"").And.EndWith("\"}");
        (await host.RowsOfTypeAsync("consume")).Should().ContainSingle();
    }

    [Fact]
    public async Task PerCallApi_UpstreamFailure_ErrorRowNoChargeAndBodyPassedThrough()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { FailWithStatus = 500 };
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);

        var response = await host.NewClient(key).PostAsync("/apis/search/query", JsonContent("""{"q":"x"}"""));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await response.Content.ReadAsStringAsync()).Should().Contain("fake upstream failure");
        var row = (await host.RowsOfTypeAsync("error")).Single();
        row.GetProperty("spend").GetDecimal().Should().Be(0m);
        row.GetProperty("status").GetInt32().Should().Be(500);
        (await host.BalanceAsync(account)).Should().Be(1m);
    }

    [Fact]
    public async Task PerCallApi_Unknown_404NothingForwarded()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        var response = await host.NewClient(key).GetAsync("/apis/nope/x");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        host.Upstream.Received.Should().BeEmpty();
        (await host.RowsOfTypeAsync("error")).Single().GetProperty("model").GetString().Should().Be("nope");
    }

    [Fact]
    public async Task FixedPriceModel_BilledPerCallWhateverTheTokens()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 5000, CompletionTokens = 5000 };
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);

        await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent("""{"model":"dall-e-3","messages":[{"role":"user","content":"a cat"}]}"""));

        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("spend").GetDecimal().Should().Be(0.04m);
        row.GetProperty("input_tokens").GetInt64().Should().Be(5000);
        row.GetProperty("details").GetProperty("price").GetDecimal().Should().Be(0.04m);
        (await host.BalanceAsync(account)).Should().Be(0.96m);
    }

    /// <summary>A gateway whose search API lives at a destination with a path of its own: <c>…/base/</c>.</summary>
    private static async Task<(GatewayHost Host, FakeUpstream Based, string Key)> StartWithBasePathAsync(decimal balance = 1m)
    {
        var based = await FakeUpstream.StartAsync();
        var host = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:search:Destinations:default:Address"] = based.BaseAddress + "/base/",
        });
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(balance));
        return (host, based, key);
    }

    [Theory]
    [InlineData("/apis/search/%252e%252e/%252e%252e/admin", 400)]
    [InlineData("/apis/search/%252E%252e/admin", 400)]
    [InlineData("/apis/search/%25252e%25252e/admin", 400)]
    [InlineData("/apis/search/a/%252e%252e%252fadmin", 400)]
    [InlineData("/apis/search/..%2fadmin", 400)]
    [InlineData("/apis/search/..%2Fadmin", 400)]
    [InlineData("/apis/search/%2e%2e%2fadmin", 400)]
    [InlineData("/apis/search/%5c..%5cadmin", 400)]
    [InlineData("/apis/search/%5Cadmin", 400)]
    [InlineData("/apis/search/%255cadmin", 400)]
    [InlineData("/apis/search/%252fadmin", 400)]
    [InlineData("/apis/search/a\\..\\..\\admin", 400)]
    [InlineData("/apis/search/%2e%2e/%2e%2e/admin", 404)] // the server resolves the dots itself: /admin, no API there
    [InlineData("/apis/search/%2E%2E/other", 404)]       // → /apis/other: an API that does not exist
    public async Task PerCallApi_PathThatCouldClimb_RefusedNothingForwarded(string target, int status)
    {
        var (host, based, key) = await StartWithBasePathAsync();
        await using var _ = host;
        await using var __ = based;

        var (answer, body) = await RawHttp.SendAsync(host.Address, "GET", target, [$"Authorization: Bearer {key}"], []);

        answer.Should().Be(status);
        based.Received.Should().BeEmpty();
        host.Upstream.Received.Should().BeEmpty();
        if (status == 400)
        {
            BadInputTests.ErrorType(body, anthropic: false).Should().Be("invalid_request_error");
            var row = (await host.RowsOfTypeAsync("error")).Single();
            row.GetProperty("status").GetInt32().Should().Be(400);
            row.GetProperty("spend").GetDecimal().Should().Be(0m);
            row.GetProperty("model").GetString().Should().Be("search");
        }
    }

    [Theory]
    [InlineData("/apis/search/res/v1/web/search?q=a%20b&count=3", "/base/res/v1/web/search", "?q=a%20b&count=3")]
    [InlineData("/apis/search/hello%20world/x", "/base/hello%20world/x", "")]
    [InlineData("/apis/search/a%2541", "/base/a%41", "")] // decoded once: "a%41", never "aA"
    [InlineData("/apis/search/100%25", "/base/100%25", "")]
    [InlineData("/apis/search/v1/models/gemini:generate", "/base/v1/models/gemini:generate", "")]
    [InlineData("/apis/search/caf%C3%A9", "/base/caf%C3%A9", "")]
    [InlineData("/apis/search/a..b/.x", "/base/a..b/.x", "")]
    [InlineData("/apis/search/", "/base/", "")]
    public async Task PerCallApi_NormalPath_ForwardedExactlyUnderTheDestinationsPath(string target, string path, string query)
    {
        var (host, based, key) = await StartWithBasePathAsync();
        await using var _ = host;
        await using var __ = based;

        var (status, _) = await RawHttp.SendAsync(host.Address, "GET", target, [$"Authorization: Bearer {key}"], []);

        status.Should().Be(200);
        // The fake records the path as it decoded it, re-escaped (PathString.ToString).
        var received = based.Received.Single();
        received.Path.Should().Be(path);
        received.Query.Should().Be(query);
    }

    [Fact]
    public async Task PerCallApi_NameOver256Bytes_400_RowKeepsItsFirst256Bytes()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        var response = await host.NewClient(key).GetAsync("/apis/" + new string('n', 4000) + "/x");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Length.Should().BeLessThan(1024);
        (await host.RowsOfTypeAsync("error")).Single().GetProperty("model").GetString().Should().Be(new string('n', 256));
    }

    [Fact]
    public async Task PerCallApi_LongPath_RowKeeps2048BytesOfIt()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        var response = await host.NewClient(key).GetAsync("/apis/search/" + new string('p', 7000));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        host.Upstream.Received.Single().Path.Should().Be("/" + new string('p', 7000));
        (await host.RowsOfTypeAsync("consume")).Single().GetProperty("path").GetString().Should().Be("/apis/search/" + new string('p', 2048 - 13));
    }
}
