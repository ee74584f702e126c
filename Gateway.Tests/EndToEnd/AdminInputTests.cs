using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// What the operator API refuses (SPEC §3, §9): money out of range, bodies of the wrong shape, long
/// names. Every refusal is a 400 in the API's error shape naming the field, with no .NET text in it.
/// </summary>
public class AdminInputTests
{
    [Theory]
    [InlineData("""{"name":"a","balance":1e10}""", "balance")]
    [InlineData("""{"name":"a","balance":-1000000000.000000001}""", "balance")]
    [InlineData("""{"name":"a","balance":-1}""", "balance")]
    [InlineData("""{"name":"a","balance":1e400}""", "balance")]
    [InlineData("""{"name":"a","balance":"x"}""", "balance")]
    [InlineData("""{"name":"a","balance":"5"}""", "balance")]
    [InlineData("""{"name":"a","balance":"NaN"}""", "balance")]
    [InlineData("""{"name":"a","balance":true}""", "balance")]
    [InlineData("""{"name":"a","record_ip":"yes"}""", "record_ip")]
    [InlineData("""{"name":5}""", "name")]
    [InlineData("""{"name":null}""", "name")]
    [InlineData("""{"name":"a","colour":"red"}""", "colour")]
    [InlineData("""{"name":"a","balance":NaN}""", "body")]
    [InlineData("""{"name":"a",""", "body")]
    [InlineData("""[1,2]""", "body")]
    [InlineData("""null""", "body")]
    [InlineData("", "body")]
    public async Task CreateAccount_BadBody_400NamingTheField(string json, string field)
    {
        await using var host = await GatewayHost.StartAsync();

        var response = await host.Admin.PostAsync("/admin/accounts", JsonContent(json));

        await ShouldBeBadRequestNaming(response, field);
        (await host.QueryScalarAsync<long>("SELECT COUNT(*) FROM accounts")).Should().Be(0);
    }

    [Theory]
    [InlineData("""{"amount":1e10}""", "amount")]
    [InlineData("""{"amount":-1e10}""", "amount")]
    [InlineData("""{"amount":"10"}""", "amount")]
    [InlineData("""{"amount":null}""", "amount")]
    [InlineData("""{"amount":0.0000000001}""", "amount")]
    [InlineData("""{}""", "amount")]
    public async Task TopUp_BadAmount_400NamingAmountAndBalanceUnchanged(string json, string field)
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(5m);

        var response = await host.Admin.PostAsync($"/admin/accounts/{account}/topup", JsonContent(json));

        await ShouldBeBadRequestNaming(response, field);
        (await host.BalanceAsync(account)).Should().Be(5m);
    }

    [Theory]
    [InlineData(900_000_000, 200_000_000)]
    [InlineData(5, -5.000000001)]
    [InlineData(1_000_000_000, 0.000000001)]
    public async Task TopUp_ResultOutsideZeroToOneBillion_400AndNothingChanges(decimal balance, decimal amount)
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(balance);

        var response = await host.Admin.PostAsJsonAsync($"/admin/accounts/{account}/topup", new { amount });

        await ShouldBeBadRequestNaming(response, "amount");
        (await host.BalanceAsync(account)).Should().Be(balance);
        (await host.RowsOfTypeAsync("system")).Should().NotContain(r => r.GetProperty("message").GetString()!.Contains("top-up"));
    }

    [Theory]
    [InlineData(5, -5, 0)]
    [InlineData(999_999_999, 1, 1_000_000_000)]
    public async Task TopUp_ResultOnTheBound_Accepted(decimal balance, decimal amount, decimal expected)
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(balance);

        var response = await host.Admin.PostAsJsonAsync($"/admin/accounts/{account}/topup", new { amount });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await host.BalanceAsync(account)).Should().Be(expected);
    }

    [Fact]
    public async Task TopUp_TwiceNineBillionBefore_StaysBoundedAndKeyKeepsWorking()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(900_000_000m);
        var key = await host.CreateKeyAsync(account);

        (await host.Admin.PostAsync($"/admin/accounts/{account}/topup", JsonContent("""{"amount":9e9}"""))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await host.Admin.PostAsync($"/admin/accounts/{account}/topup", JsonContent("""{"amount":9e9}"""))).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        (await host.Admin.GetAsync($"/admin/accounts/{account}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent("""{"model":"test-model","messages":[]}"""))).StatusCode
            .Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TopUp_ConcurrentTopUpsPastTheBound_OnlyThoseThatFitCommit()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(0m);

        // Each fits alone; together 20 would be 2e9. Exactly ten may commit.
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            host.Admin.PostAsync($"/admin/accounts/{account}/topup", JsonContent("""{"amount":100000000}"""))));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(10);
        responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest).Should().Be(10);
        (await host.BalanceAsync(account)).Should().Be(1_000_000_000m);
        (await host.RowsOfTypeAsync("system")).Count(r => r.GetProperty("message").GetString()!.Contains("top-up")).Should().Be(10);
    }

    [Theory]
    [InlineData("/admin/keys", """{"account_id":"abc","name":"k"}""", "account_id")]
    [InlineData("/admin/keys", """{"account_id":1.5,"name":"k"}""", "account_id")]
    [InlineData("/admin/keys", """{"account_id":99999999999999999999,"name":"k"}""", "account_id")]
    [InlineData("/admin/keys", """{"account_id":1,"name":["k"]}""", "name")]
    [InlineData("/admin/keys", """{"account_id":1}""", "name")]
    [InlineData("/admin/keys", """{"name":"k"}""", "account_id")]
    public async Task CreateKey_BadBody_400NamingTheField(string path, string json, string field)
    {
        await using var host = await GatewayHost.StartAsync();

        await ShouldBeBadRequestNaming(await host.Admin.PostAsync(path, JsonContent(json)), field);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("group")]
    public async Task CreateKey_NameOver256Bytes_400NamingIt(string field)
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var body = new Dictionary<string, object> { ["account_id"] = account, ["name"] = "k", [field] = new string('é', 129) };

        await ShouldBeBadRequestNaming(await host.Admin.PostAsJsonAsync("/admin/keys", body), field);
    }

    [Fact]
    public async Task Accounts_NameOver256Bytes_400OnCreateAndPatch()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var longName = new string('x', 257);

        await ShouldBeBadRequestNaming(await host.Admin.PostAsJsonAsync("/admin/accounts", new { name = longName }), "name");
        await ShouldBeBadRequestNaming(await host.Admin.PatchAsJsonAsync($"/admin/accounts/{account}", new { name = longName }), "name");
        (await host.Admin.PostAsJsonAsync("/admin/accounts", new { name = new string('x', 256) })).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task CreateAccount_NotJsonContentType_400NamingBody(string contentType)
    {
        await using var host = await GatewayHost.StartAsync();

        var response = await host.Admin.PostAsync("/admin/accounts", new StringContent("""{"name":"a"}""", Encoding.UTF8, contentType));

        await ShouldBeBadRequestNaming(response, "body");
    }

    [Fact]
    public async Task CreateAccount_BodyOver64KiB_400NamingBody()
    {
        await using var host = await GatewayHost.StartAsync();

        var response = await host.Admin.PostAsync("/admin/accounts", JsonContent($$"""{"name":"a","pad":"{{new string(' ', 70_000)}}"}"""));

        await ShouldBeBadRequestNaming(response, "body");
    }

    [Fact]
    public async Task CreateAccount_KeyPastedAsAFieldName_ErrorDoesNotEchoIt()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        var response = await host.Admin.PostAsync("/admin/accounts", JsonContent($$"""{"name":"a","{{key}}":1}"""));

        var text = await ShouldBeBadRequestNaming(response, "body");
        text.Should().NotContain(key).And.NotContain(GatewayHost.AdminKey);
    }

    [Fact]
    public async Task CreateKey_KeyPastedAsGroup_ErrorDoesNotEchoIt()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);

        var response = await host.Admin.PostAsJsonAsync("/admin/keys", new { account_id = account, name = "k", group = key });

        (await ShouldBeBadRequestNaming(response, "group")).Should().NotContain(key);
    }

    [Theory]
    [InlineData("GET", "/admin/nope")]
    [InlineData("GET", "/admin")]
    [InlineData("PUT", "/admin/accounts")]
    [InlineData("GET", "/admin/accounts/abc")]
    [InlineData("GET", "/logs/nope/deeper")]
    [InlineData("POST", "/logs")]
    [InlineData("GET", "/logs/abc")]
    public async Task UnknownAdminOrLogsPath_JsonNotFound(string method, string path)
    {
        await using var host = await GatewayHost.StartAsync();

        var response = await host.Admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        error.GetProperty("code").GetString().Should().Be("not_found");
        error.GetProperty("message").GetString().Should().NotBeNullOrEmpty();
    }

    /// <summary>A 400 in the API's error shape whose param and message name the field; returns the body.</summary>
    internal static async Task<string> ShouldBeBadRequestNaming(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, text);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        error.GetProperty("type").GetString().Should().Be("invalid_request_error");
        error.GetProperty("param").GetString().Should().Be(field);
        error.GetProperty("message").GetString().Should().StartWith(field + ":");
        text.Should().NotContain("System.").And.NotContain("Gateway.").And.NotContain("Decimal").And.NotContain("Int64")
            .And.NotContain("Boolean").And.NotContain("CreateAccountBody").And.NotContain("Bearer " + GatewayHost.AdminKey);
        text.Should().NotContain(GatewayHost.AdminKey);
        return text;
    }
}
