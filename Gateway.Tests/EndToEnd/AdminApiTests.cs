using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>The operator API of SPEC §3.</summary>
public class AdminApiTests
{
    [Fact]
    public async Task AdminKeyUnset_403SayingHowToSetIt()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:AdminKey"] = "" });

        var response = await host.Admin.PostAsync("/admin/accounts", JsonContent("""{"name":"x"}"""));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Gateway:AdminKey");
    }

    [Fact]
    public async Task WrongAdminKey_401()
    {
        await using var host = await GatewayHost.StartAsync();

        var response = await host.NewClient("wrong").GetAsync("/admin/accounts/1");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Accounts_CreateGetTopUpPatch()
    {
        await using var host = await GatewayHost.StartAsync();

        var created = await host.Admin.PostAsync("/admin/accounts", JsonContent("""{"name":"acme","balance":5.25}"""));
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var account = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = account.GetProperty("id").GetInt64();
        account.GetProperty("name").GetString().Should().Be("acme");
        account.GetProperty("balance").GetDecimal().Should().Be(5.25m);
        account.GetProperty("record_ip").GetBoolean().Should().BeFalse();

        var topped = await host.Admin.PostAsync($"/admin/accounts/{id}/topup", JsonContent("""{"amount":0.000000001}"""));
        topped.StatusCode.Should().Be(HttpStatusCode.OK);
        (await topped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("balance").GetDecimal().Should().Be(5.250000001m);

        var patched = await host.Admin.PatchAsync($"/admin/accounts/{id}", JsonContent("""{"record_ip":true,"name":"acme2"}"""));
        var patchedBody = await patched.Content.ReadFromJsonAsync<JsonElement>();
        patchedBody.GetProperty("record_ip").GetBoolean().Should().BeTrue();
        patchedBody.GetProperty("name").GetString().Should().Be("acme2");

        (await host.Admin.GetAsync("/admin/accounts/999")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await host.Admin.PostAsync("/admin/accounts/999/topup", JsonContent("""{"amount":1}"""))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await host.Admin.PostAsync("/admin/accounts", JsonContent("""{"balance":1}"""))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await host.Admin.PostAsync("/admin/accounts", JsonContent("""{"name":"x","balance":"lots"}"""))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Trait(StoreTraits.Name, StoreTraits.SqliteOnly)]
    [Fact]
    public async Task Keys_SecretShownOnceStoredHashedAndSystemRowsWritten()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);

        var created = await host.Admin.PostAsync("/admin/keys", JsonContent($$"""{"account_id":{{account}},"name":"ci"}"""));
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("key").GetString()!;
        body.GetProperty("group").GetString().Should().Be("default");
        body.GetProperty("account_id").GetInt64().Should().Be(account);

        var list = await host.Admin.GetStringAsync($"/admin/keys?account_id={account}");
        list.Should().Contain("\"ci\"").And.NotContain(secret);
        await host.Admin.PostAsync($"/admin/accounts/{account}/topup", JsonContent("""{"amount":3}"""));
        (await host.Admin.DeleteAsync($"/admin/keys/{body.GetProperty("id").GetInt64()}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await host.Admin.DeleteAsync($"/admin/keys/{body.GetProperty("id").GetInt64()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var system = await host.RowsOfTypeAsync("system");
        system.Select(r => r.GetProperty("message").GetString()).Should().Contain(m => m!.Contains("created in group"))
            .And.Contain(m => m!.Contains("top-up of 3"))
            .And.Contain(m => m!.Contains("revoked"));
        system.Should().AllSatisfy(r =>
        {
            r.GetProperty("account_id").GetInt64().Should().Be(account);
            r.GetProperty("ip").GetString().Should().Be("127.0.0.1");
            r.GetProperty("spend").GetDecimal().Should().Be(0m);
        });
        var fileText = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(host.DatabasePath));
        fileText.Should().NotContain(secret);
    }

    [Fact]
    public async Task Keys_UnknownGroupOrAccount_Refused()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);

        (await host.Admin.PostAsync("/admin/keys", JsonContent($$"""{"account_id":{{account}},"name":"k","group":"nope"}"""))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await host.Admin.PostAsync("/admin/keys", JsonContent("""{"account_id":999,"name":"k"}"""))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Models_ListsConfiguredModelsInOpenAIShape()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        var models = await host.NewClient(key).GetFromJsonAsync<JsonElement>("/v1/models");

        models.GetProperty("object").GetString().Should().Be("list");
        models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString())
            .Should().Contain(["test-model", "gpt-4o-mini", "claude-sonnet-4"]);
        (await host.NewClient().GetAsync("/v1/models")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Healthz_200WhenStoreAnswers()
    {
        await using var host = await GatewayHost.StartAsync();

        var response = await host.NewClient().GetAsync("/healthz");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
