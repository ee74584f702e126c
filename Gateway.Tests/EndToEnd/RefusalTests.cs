using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>SPEC §4 refusals: answered before anything is forwarded, in the route's wire format.</summary>
public class RefusalTests
{
    private const string Chat = "/v1/chat/completions";
    private const string ValidChat = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";

    [Theory]
    [InlineData(null)]
    [InlineData("sk-gw-not-a-real-key")]
    [InlineData("random")]
    public async Task UnknownOrMissingKey_401InOpenAIShape_NoRow(string? key)
    {
        await using var host = await GatewayHost.StartAsync();

        var response = await host.NewClient(key).PostAsync(Chat, JsonContent(ValidChat));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        error.GetProperty("code").GetString().Should().Be("invalid_api_key");
        error.GetProperty("message").GetString().Should().NotBeNullOrEmpty();
        host.Upstream.Received.Should().BeEmpty();
        (await host.QueryScalarAsync<long>("SELECT COUNT(*) FROM logs WHERE type <> 'system'")).Should().Be(0);
    }

    [Fact]
    public async Task UnknownKey_OnAnthropicRoute_401InAnthropicShape()
    {
        await using var host = await GatewayHost.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = JsonContent("""{"model":"claude-sonnet-4","max_tokens":5,"messages":[]}""") };
        request.Headers.Add("x-api-key", "sk-gw-nope");

        var response = await host.NewClient().SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("type").GetString().Should().Be("error");
        body.GetProperty("error").GetProperty("type").GetString().Should().Be("authentication_error");
    }

    [Theory]
    [InlineData("{not json", 400, "invalid_request_error")]
    [InlineData("[1,2,3]", 400, "invalid_request_error")]
    [InlineData("""{"messages":[]}""", 400, "invalid_request_error")]
    [InlineData("""{"model":42,"messages":[]}""", 400, "invalid_request_error")]
    [InlineData("""{"model":"no-such-model","messages":[]}""", 404, "model_not_found")]
    public async Task BadRequest_RefusedWithErrorRowAndNothingForwarded(string body, int status, string code)
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);

        var response = await host.NewClient(key).PostAsync(Chat, JsonContent(body));

        ((int)response.StatusCode).Should().Be(status);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString().Should().Be(code);
        host.Upstream.Received.Should().BeEmpty();
        var row = (await host.RowsOfTypeAsync("error")).Should().ContainSingle().Subject;
        row.GetProperty("status").GetInt32().Should().Be(status);
        row.GetProperty("spend").GetDecimal().Should().Be(0m);
        row.GetProperty("request_id").GetString().Should().Be(response.Headers.GetValues("x-request-id").Single());
        row.GetProperty("message").GetString().Should().NotBeNullOrEmpty();
        (await host.BalanceAsync(account)).Should().Be(1m);
    }

    [Fact]
    public async Task ZeroBalance_402InsufficientBalance_ErrorRow()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(0m);
        var key = await host.CreateKeyAsync(account);

        var response = await host.NewClient(key).PostAsync(Chat, JsonContent(ValidChat));

        response.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString().Should().Be("insufficient_balance");
        host.Upstream.Received.Should().BeEmpty();
        var row = (await host.RowsOfTypeAsync("error")).Single();
        row.GetProperty("status").GetInt32().Should().Be(402);
        row.GetProperty("spend").GetDecimal().Should().Be(0m);
    }

    [Fact]
    public async Task BodyOverLimit_413BeforeForwarding()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:MaxRequestBodyBytes"] = "1024" });
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        var big = $$"""{"model":"test-model","messages":[{"role":"user","content":"{{new string('x', 4096)}}"}]}""";

        var response = await host.NewClient(key).PostAsync(Chat, JsonContent(big));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString().Should().Be("request_too_large");
        host.Upstream.Received.Should().BeEmpty();
        (await host.RowsOfTypeAsync("error")).Single().GetProperty("status").GetInt32().Should().Be(413);
    }

    [Fact]
    public async Task RevokedKey_StopsWorkingAtOnce()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        var client = host.NewClient(key);
        (await client.PostAsync(Chat, JsonContent(ValidChat))).StatusCode.Should().Be(HttpStatusCode.OK);
        var keyId = (await host.Admin.GetFromJsonAsync<JsonElement>($"/admin/keys?account_id={account}"))[0].GetProperty("id").GetInt64();

        (await host.Admin.DeleteAsync($"/admin/keys/{keyId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var after = await client.PostAsync(Chat, JsonContent(ValidChat));

        after.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        host.Upstream.Received.Should().HaveCount(1);
    }

    [Fact]
    public async Task UpstreamError_PassedThroughWithErrorRowAndNoCharge()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { FailWithStatus = 503 };
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);

        var response = await host.NewClient(key).PostAsync(Chat, JsonContent(ValidChat));

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).Should().Contain("fake upstream failure");
        var row = (await host.RowsOfTypeAsync("error")).Single();
        row.GetProperty("status").GetInt32().Should().Be(503);
        row.GetProperty("spend").GetDecimal().Should().Be(0m);
        row.GetProperty("message").GetString().Should().Contain("fake upstream failure");
        (await host.BalanceAsync(account)).Should().Be(1m);
    }

    [Fact]
    public async Task UpstreamUnreachable_502InWireFormat_ErrorRow()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            // A port nothing listens on: connection refused.
            ["ReverseProxy:Clusters:openai:Destinations:default:Address"] = "http://127.0.0.1:9/",
        });
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        var response = await host.NewClient(key).PostAsync(Chat, JsonContent(ValidChat));

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString().Should().Be("upstream_error");
        (await host.RowsOfTypeAsync("error")).Single().GetProperty("status").GetInt32().Should().Be(502);
    }
}
