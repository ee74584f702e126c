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
}
