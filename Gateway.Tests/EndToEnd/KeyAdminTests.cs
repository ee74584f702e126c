using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;
using static Gateway.Tests.EndToEnd.KeyPolicyHelpers;

namespace Gateway.Tests.EndToEnd;

/// <summary>The admin calls of key policies and the account list (SPEC §13): what they answer and what they refuse.</summary>
public class KeyAdminTests
{
    [Fact]
    public async Task GetKey_PoliciesSpentAndPeriod_NeverTheSecret()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Groups:gold:Ratio"] = "2" });
        var account = await host.CreateAccountAsync(1m);
        var (id, secret) = await CreateKeyAsync(host, account, """
            "group":"gold","expires_at":"2099-01-02T03:04:05+02:00","models":["test-model","test-model"],"budget":2.5,
            "budget_period":"monthly","rpm":10,"tpm":1000,"ip_allowlist":["127.0.0.1","10.1.0.0/16","2001:DB8::/32"]
            """);
        await CallAsync(host, secret);

        var key = await GetKeyAsync(host, id);

        key.ToString().Should().NotContain(secret);
        key.GetProperty("group").GetString().Should().Be("gold");
        key.GetProperty("expires_at").GetDateTimeOffset().Should().Be(new DateTimeOffset(2099, 1, 2, 1, 4, 5, TimeSpan.Zero));
        key.GetProperty("expired").GetBoolean().Should().BeFalse();
        key.GetProperty("models").EnumerateArray().Select(m => m.GetString()).Should().Equal("test-model");
        key.GetProperty("budget").GetDecimal().Should().Be(2.5m);
        key.GetProperty("budget_period").GetString().Should().Be("monthly");
        (key.GetProperty("rpm").GetInt32(), key.GetProperty("tpm").GetInt64()).Should().Be((10, 1000));
        key.GetProperty("ip_allowlist").EnumerateArray().Select(m => m.GetString()).Should().Equal("127.0.0.1/32", "10.1.0.0/16", "2001:db8::/32");
        var rows = await host.RowsOfTypeAsync("consume");
        key.GetProperty("spent").GetDecimal().Should().Be(rows.Single().GetProperty("spend").GetDecimal()).And.BeGreaterThan(0m);
        var start = key.GetProperty("period_start").GetDateTimeOffset();
        (start.Day, start.Hour, start.Minute).Should().Be((1, 0, 0));
        key.GetProperty("period_end").GetDateTimeOffset().Should().Be(start.AddMonths(1));
        var listed = (await host.GetJsonAsync($"/admin/keys?account_id={account}")).Body.EnumerateArray().Single();
        listed.GetProperty("spent").GetDecimal().Should().Be(key.GetProperty("spent").GetDecimal());
        listed.GetProperty("budget").GetDecimal().Should().Be(2.5m);
    }

    [Fact]
    public async Task GetKey_WithoutPolicy_EmptyListsTotalPeriodNoBounds()
    {
        await using var host = await GatewayHost.StartAsync();
        var (id, _) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m));

        var key = await GetKeyAsync(host, id);

        key.GetProperty("models").GetArrayLength().Should().Be(0);
        key.GetProperty("ip_allowlist").GetArrayLength().Should().Be(0);
        key.GetProperty("budget").ValueKind.Should().Be(JsonValueKind.Null);
        key.GetProperty("budget_period").GetString().Should().Be("total");
        key.GetProperty("spent").GetDecimal().Should().Be(0m);
        key.GetProperty("period_start").ValueKind.Should().Be(JsonValueKind.Null);
        key.GetProperty("expires_at").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task UnknownKey_GetAndPatch404()
    {
        await using var host = await GatewayHost.StartAsync();

        (await host.GetJsonAsync("/admin/keys/4242")).Status.Should().Be(HttpStatusCode.NotFound);
        (await PatchKeyAsync(host, 4242, """{"rpm":1}""")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_AbsentFieldsKept_NullCleared_SystemRowNamesTheChange()
    {
        await using var host = await GatewayHost.StartAsync();
        var (id, _) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m), "\"budget\":1,\"rpm\":5,\"models\":[\"test-model\"]");

        var (status, key) = await PatchKeyAsync(host, id, """{"rpm":null,"budget":2,"name":"renamed"}""");

        status.Should().Be(HttpStatusCode.OK);
        key.GetProperty("name").GetString().Should().Be("renamed");
        key.GetProperty("budget").GetDecimal().Should().Be(2m);
        key.GetProperty("rpm").ValueKind.Should().Be(JsonValueKind.Null);
        key.GetProperty("models").EnumerateArray().Select(m => m.GetString()).Should().Equal("test-model");
        var message = (await host.RowsOfTypeAsync("system")).First().GetProperty("message").GetString();
        message.Should().Contain("budget 1 USD → 2 USD").And.Contain("rpm 5 → none").And.Contain("name 'ci' → 'renamed'");
    }

    [Theory]
    [InlineData("expires_at", "\"tomorrow\"")]
    [InlineData("expires_at", "\"2026-12-31\"")]
    [InlineData("expires_at", "\"2026-12-31T10:00:00\"")]
    [InlineData("expires_at", "1767225600")]
    [InlineData("models", "\"test-model\"")]
    [InlineData("models[1]", "[\"test-model\",\"no-such-model\"]")]
    [InlineData("models[0]", "[\"\"]")]
    [InlineData("budget", "-1")]
    [InlineData("budget", "1e10")]
    [InlineData("budget", "1e400")]
    [InlineData("budget", "\"5\"")]
    [InlineData("budget_period", "\"weekly\"")]
    [InlineData("rpm", "-1")]
    [InlineData("rpm", "1.5")]
    [InlineData("rpm", "10000000000")]
    [InlineData("tpm", "-5")]
    [InlineData("ip_allowlist", "\"10.0.0.0/8\"")]
    [InlineData("ip_allowlist[0]", "[\"10.0.0.1/8\"]")]
    [InlineData("ip_allowlist[1]", "[\"10.0.0.0/8\",\"300.1.1.1/32\"]")]
    [InlineData("ip_allowlist[0]", "[\"2001:db8::/129\"]")]
    [InlineData("ip_allowlist[0]", "[\"example.com\"]")]
    public async Task BadPolicyField_400NamingIt_OnCreateAndPatch_NothingChanged(string field, string value)
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var (id, _) = await CreateKeyAsync(host, account);
        var name = field.Split('[')[0];

        using var created = await host.Admin.PostAsync("/admin/keys", JsonContent($$"""{"account_id":{{account}},"name":"x","{{name}}":{{value}}}"""));
        var (patched, patchBody) = await PatchKeyAsync(host, id, $$"""{"{{name}}":{{value}}}""");

        created.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString().Should().Be(field);
        patched.Should().Be(HttpStatusCode.BadRequest);
        patchBody.GetProperty("error").GetProperty("param").GetString().Should().Be(field);
        (await host.GetJsonAsync($"/admin/keys?account_id={account}")).Body.GetArrayLength().Should().Be(1);
        (await host.RowsOfTypeAsync("system")).Should().NotContain(r => r.GetProperty("message").GetString()!.Contains("edited"));
    }

    [Fact]
    public async Task ListAccounts_PagedByLimitAndOffset_WithBalances()
    {
        await using var host = await GatewayHost.StartAsync();
        for (var i = 1; i <= 5; i++)
            await host.CreateAccountAsync(i, name: $"account {i}");

        var (_, first) = await host.GetJsonAsync("/admin/accounts?limit=2");
        var (_, last) = await host.GetJsonAsync("/admin/accounts?limit=2&offset=4");
        var (badLimit, limitError) = await host.GetJsonAsync("/admin/accounts?limit=0");
        var (badOffset, offsetError) = await host.GetJsonAsync("/admin/accounts?offset=-1");
        var (asKeyHolder, _) = await host.GetJsonAsync("/admin/accounts", await host.CreateKeyAsync(1));

        first.GetProperty("total").GetInt64().Should().Be(5);
        first.GetProperty("items").EnumerateArray().Select(a => (a.GetProperty("name").GetString(), a.GetProperty("balance").GetDecimal()))
            .Should().Equal(("account 1", 1m), ("account 2", 2m));
        last.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("name").GetString()).Should().Equal("account 5");
        (last.GetProperty("limit").GetInt32(), last.GetProperty("offset").GetInt64()).Should().Be((2, 4));
        (badLimit, limitError.GetProperty("error").GetProperty("param").GetString()).Should().Be((HttpStatusCode.BadRequest, "limit"));
        (badOffset, offsetError.GetProperty("error").GetProperty("param").GetString()).Should().Be((HttpStatusCode.BadRequest, "offset"));
        asKeyHolder.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task OwnKey_TheKeyHolderSeesItsPolicyAndSpend_OnlyItsOwn()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var (id, key) = await CreateKeyAsync(host, account, "\"budget\":0.5,\"budget_period\":\"daily\"");
        var (_, other) = await CreateKeyAsync(host, account, "\"budget\":9", name: "other");
        await CallAsync(host, key);

        var (status, own) = await host.GetJsonAsync("/v1/key", key);
        var (_, others) = await host.GetJsonAsync("/v1/key", other);
        var (anonymous, _) = await host.GetJsonAsync("/v1/key", key: null);

        status.Should().Be(HttpStatusCode.OK);
        own.GetProperty("id").GetInt64().Should().Be(id);
        (own.GetProperty("budget").GetDecimal(), own.GetProperty("budget_period").GetString()).Should().Be((0.5m, "daily"));
        own.GetProperty("spent").GetDecimal().Should().Be((await GetKeyAsync(host, id)).GetProperty("spent").GetDecimal()).And.BeGreaterThan(0m);
        own.ToString().Should().NotContain(key).And.NotContain("\"other\"");
        others.GetProperty("spent").GetDecimal().Should().Be(0m);
        anonymous.Should().Be(HttpStatusCode.Unauthorized);
        (await host.RowsOfTypeAsync("error")).Should().BeEmpty("reading one's own key is not metered");
    }

    [Fact]
    public async Task OpenApi_DescribesTheNewAdminCalls()
    {
        await using var host = await GatewayHost.StartAsync();

        var document = await host.Admin.GetStringAsync("/openapi/v1.json");

        document.Should().Contain("\"/admin/keys/{id}\"").And.Contain("\"/admin/accounts\"").And.Contain("ip_allowlist").And.Contain("budget_period");
    }
}
