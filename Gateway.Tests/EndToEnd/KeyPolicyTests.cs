using System.Net;
using System.Text.Json;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.KeyPolicyHelpers;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// SPEC §13's refusals, end to end: each in the route's wire format with its own status and code, an
/// error row with spend 0, nothing forwarded; and an edit holds from the next request.
/// </summary>
public class KeyPolicyTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExpiredKey_401KeyExpired_ErrorRowSpend0_NothingForwarded(bool anthropic)
    {
        await using var host = await GatewayHost.StartAsync();
        var (_, key) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m), "\"expires_at\":\"2020-01-01T00:00:00Z\"");

        var (status, body) = await CallAsync(host, key, anthropic: anthropic);

        status.Should().Be(HttpStatusCode.Unauthorized);
        ErrorCode(body).Should().Be("key_expired");
        if (anthropic)
            body.GetProperty("error").GetProperty("type").GetString().Should().Be("authentication_error");
        host.Upstream.Received.Should().BeEmpty();
        var row = (await ErrorRowsAsync(host)).Single();
        row.GetProperty("status").GetInt32().Should().Be(401);
        row.GetProperty("spend").GetDecimal().Should().Be(0m);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ModelNotInTheKeysList_403ModelNotAllowed_ListedModelServed(bool anthropic)
    {
        await using var host = await GatewayHost.StartAsync();
        var (_, key) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m), "\"models\":[\"test-model\"]");

        var (status, body) = await CallAsync(host, key, model: "renamed-model", anthropic: anthropic);

        status.Should().Be(HttpStatusCode.Forbidden);
        ErrorCode(body).Should().Be("model_not_allowed");
        if (anthropic)
            body.GetProperty("error").GetProperty("type").GetString().Should().Be("permission_error");
        host.Upstream.Received.Should().BeEmpty();
        var row = (await ErrorRowsAsync(host)).Single();
        (row.GetProperty("status").GetInt32(), row.GetProperty("model").GetString(), row.GetProperty("spend").GetDecimal())
            .Should().Be((403, "renamed-model", 0m));
        (await CallAsync(host, key)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ModelNotAllowed_UnknownModelToo_403NotA404()
    {
        await using var host = await GatewayHost.StartAsync();
        var (_, key) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m), "\"models\":[\"test-model\"]");

        var (status, body) = await CallAsync(host, key, model: "no-such-model");

        status.Should().Be(HttpStatusCode.Forbidden, "a restricted key learns nothing of the catalog beyond its list");
        ErrorCode(body).Should().Be("model_not_allowed");
    }

    [Fact]
    public async Task PerCallApi_NotInTheKeysList_403ModelNotAllowed_ListedServed()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var (_, modelsOnly) = await CreateKeyAsync(host, account, "\"models\":[\"test-model\"]");
        var (_, withSearch) = await CreateKeyAsync(host, account, "\"models\":[\"search\"]", name: "search");

        var (refused, body) = await host.GetJsonAsync("/apis/search/res/v1/web/search?q=x", modelsOnly);
        var (served, _) = await host.GetJsonAsync("/apis/search/res/v1/web/search?q=x", withSearch);

        (refused, body.GetProperty("error").GetProperty("code").GetString()).Should().Be((HttpStatusCode.Forbidden, "model_not_allowed"));
        served.Should().Be(HttpStatusCode.OK);
        var row = (await ErrorRowsAsync(host)).Single();
        (row.GetProperty("model").GetString(), row.GetProperty("spend").GetDecimal()).Should().Be(("search", 0m));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BudgetSpent_402KeyBudgetExceeded_ErrorRowSpend0(bool anthropic)
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 1000, CompletionTokens = 0 };
        var account = await host.CreateAccountAsync(1m);
        var (id, key) = await CreateKeyAsync(host, account, "\"budget\":0.001");

        (await CallAsync(host, key)).Status.Should().Be(HttpStatusCode.OK, "0 of 0.001 USD spent");
        var (status, body) = await CallAsync(host, key, anthropic: anthropic);

        status.Should().Be(HttpStatusCode.PaymentRequired);
        ErrorCode(body).Should().Be("key_budget_exceeded");
        if (anthropic)
            body.GetProperty("error").GetProperty("type").GetString().Should().Be("billing_error");
        host.Upstream.Received.Should().HaveCount(1);
        var row = (await ErrorRowsAsync(host)).Single();
        (row.GetProperty("status").GetInt32(), row.GetProperty("spend").GetDecimal()).Should().Be((402, 0m));
        (await GetKeyAsync(host, id)).GetProperty("spent").GetDecimal().Should().Be(0.002m);
        (await host.BalanceAsync(account)).Should().Be(0.998m, "the account paid for the one request served");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClientIpOutsideTheAllowList_403IpNotAllowed_ErrorRowSpend0(bool anthropic)
    {
        await using var host = await GatewayHost.StartAsync();
        var (_, key) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m), "\"ip_allowlist\":[\"10.0.0.0/8\",\"2001:db8::/32\"]");

        var (status, body) = await CallAsync(host, key, anthropic: anthropic);

        status.Should().Be(HttpStatusCode.Forbidden);
        ErrorCode(body).Should().Be("ip_not_allowed");
        host.Upstream.Received.Should().BeEmpty();
        var row = (await ErrorRowsAsync(host)).Single();
        (row.GetProperty("status").GetInt32(), row.GetProperty("spend").GetDecimal()).Should().Be((403, 0m));
    }

    [Fact]
    public async Task IpAllowList_LoopbackListed_Served()
    {
        await using var host = await GatewayHost.StartAsync();
        var (_, key) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m), "\"ip_allowlist\":[\"127.0.0.1\"]");

        (await CallAsync(host, key)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("2001:db8:0:1::5", HttpStatusCode.OK)]
    [InlineData("2001:db9::5", HttpStatusCode.Forbidden)]
    [InlineData("10.1.2.3", HttpStatusCode.OK)]
    public async Task IpAllowList_BehindATrustedProxy_TheForwardedClientIsChecked_IPv6Too(string client, HttpStatusCode expected)
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:TrustedProxies:0"] = "127.0.0.1" });
        var (_, key) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m), "\"ip_allowlist\":[\"10.0.0.0/8\",\"2001:db8::/32\"]");

        (await CallAsync(host, key, forwardedFor: client)).Status.Should().Be(expected);
    }

    [Fact]
    public async Task IpAllowList_ForwardedForFromAnUntrustedPeer_Ignored()
    {
        await using var host = await GatewayHost.StartAsync();
        var (_, key) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m), "\"ip_allowlist\":[\"10.0.0.0/8\"]");

        var (status, body) = await CallAsync(host, key, forwardedFor: "10.1.2.3");

        status.Should().Be(HttpStatusCode.Forbidden, "127.0.0.1 is no trusted proxy: its X-Forwarded-For is client text");
        ErrorCode(body).Should().Be("ip_not_allowed");
    }

    [Fact]
    public async Task ModelsList_OnlyTheKeysModels_AndADisallowedModelIsThe404OfSpec12()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var (_, restricted) = await CreateKeyAsync(host, account, "\"models\":[\"test-model\"]");
        var (_, open) = await CreateKeyAsync(host, account, name: "open");

        var (_, list) = await host.GetJsonAsync("/v1/models", restricted);
        var (_, all) = await host.GetJsonAsync("/v1/models", open);
        var (status, error) = await host.GetJsonAsync("/v1/models/renamed-model", restricted);

        list.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).Should().Equal("test-model");
        all.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).Should().Contain(["test-model", "renamed-model"]);
        status.Should().Be(HttpStatusCode.NotFound);
        error.GetProperty("error").GetProperty("code").GetString().Should().Be("model_not_found");
        (await host.GetJsonAsync("/v1/models/test-model", restricted)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ModelsList_ExpiredKeyOrIpOutsideTheList_RefusedLikeACall_NoRow()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var (_, expired) = await CreateKeyAsync(host, account, "\"expires_at\":\"2020-01-01T00:00:00Z\"");
        var (_, elsewhere) = await CreateKeyAsync(host, account, "\"ip_allowlist\":[\"192.0.2.0/24\"]", name: "elsewhere");

        var (expiredStatus, expiredBody) = await host.GetJsonAsync("/v1/models", expired);
        var (elsewhereStatus, elsewhereBody) = await host.GetJsonAsync("/v1/models", elsewhere);

        (expiredStatus, ErrorCode(expiredBody)).Should().Be((HttpStatusCode.Unauthorized, "key_expired"));
        (elsewhereStatus, ErrorCode(elsewhereBody)).Should().Be((HttpStatusCode.Forbidden, "ip_not_allowed"));
        (await host.LogsAsync()).Should().OnlyContain(r => r.GetProperty("type").GetString() == "system", "listing models is not metered");
    }

    [Fact]
    public async Task Patch_TakesEffectOnTheNextRequest_AndClearingRestoresIt()
    {
        await using var host = await GatewayHost.StartAsync();
        var (id, key) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m));
        (await CallAsync(host, key)).Status.Should().Be(HttpStatusCode.OK, "the key is cached now");

        (await PatchKeyAsync(host, id, """{"models":["renamed-model"]}""")).Status.Should().Be(HttpStatusCode.OK);
        var refused = await CallAsync(host, key);
        (await PatchKeyAsync(host, id, """{"models":null,"expires_at":"2020-01-01T00:00:00Z"}""")).Status.Should().Be(HttpStatusCode.OK);
        var expired = await CallAsync(host, key);
        (await PatchKeyAsync(host, id, """{"expires_at":null}""")).Status.Should().Be(HttpStatusCode.OK);
        var served = await CallAsync(host, key);

        (refused.Status, ErrorCode(refused.Body)).Should().Be((HttpStatusCode.Forbidden, "model_not_allowed"));
        (expired.Status, ErrorCode(expired.Body)).Should().Be((HttpStatusCode.Unauthorized, "key_expired"));
        served.Status.Should().Be(HttpStatusCode.OK);
        var edits = (await host.RowsOfTypeAsync("system")).Select(r => r.GetProperty("message").GetString()).Where(m => m!.Contains("edited")).ToList();
        edits.Should().HaveCount(3).And.Contain(m => m!.Contains("models none → [\"renamed-model\"]"));
    }

    [Fact]
    public async Task KeyRpm_OverridesTheGroups_AndAPatchChangesIt()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Groups:default:Rpm"] = "100" });
        var (id, key) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m), "\"rpm\":1");

        var first = await CallAsync(host, key);
        var second = await CallAsync(host, key);
        (await PatchKeyAsync(host, id, """{"rpm":null}""")).Status.Should().Be(HttpStatusCode.OK);
        var third = await CallAsync(host, key);

        first.Status.Should().Be(HttpStatusCode.OK);
        (second.Status, ErrorCode(second.Body)).Should().Be((HttpStatusCode.TooManyRequests, "rate_limit_exceeded"));
        third.Status.Should().Be(HttpStatusCode.OK, "the group's 100 a minute apply again");
    }

    [Fact]
    public async Task KeyTpm_OverridesTheGroups()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 50, CompletionTokens = 50 };
        var (_, key) = await CreateKeyAsync(host, await host.CreateAccountAsync(1m), "\"tpm\":100");

        var first = await CallAsync(host, key);
        var second = await CallAsync(host, key);

        first.Status.Should().Be(HttpStatusCode.OK);
        second.Status.Should().Be(HttpStatusCode.TooManyRequests, "the first request used the key's 100 tokens a minute");
    }
}
