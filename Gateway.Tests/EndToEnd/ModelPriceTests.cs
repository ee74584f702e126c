using System.Net;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Microsoft.Data.Sqlite;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;
using static Gateway.Tests.EndToEnd.KeyPolicyHelpers;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Prices at run time (SPEC §13): <c>GET/PUT/DELETE /admin/models</c>, through the real gateway on either store. The
/// host configures <c>test-model</c> at ratio 1, completion 2, cache 0.5: (1000 input + 500 output × 2) × $2 / 1M = $0.004.
/// </summary>
public class ModelPriceTests
{
    private static readonly FakeBehavior Usage = new() { Reply = FakeBehavior.ShortReply, PromptTokens = 1000, CompletionTokens = 500 };

    [Fact]
    public async Task Put_TheNextRequestIsChargedAtIt_RowsKeepTheirOwnPrices_ASystemRowHoldsOldAndNew()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = Usage;
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(10m));
        (await CallAsync(host, key)).Status.Should().Be(HttpStatusCode.OK);

        var (status, put) = await PutAsync(host, "test-model", """{"cluster":"openai","model_ratio":0.5,"completion_ratio":4}""");
        (await CallAsync(host, key)).Status.Should().Be(HttpStatusCode.OK);

        status.Should().Be(HttpStatusCode.OK, put.ToString());
        put.GetProperty("source").GetString().Should().Be("override");
        (put.GetProperty("model_ratio").GetDecimal(), put.GetProperty("completion_ratio").GetDecimal(), put.GetProperty("cache_ratio").GetDecimal())
            .Should().Be((0.5m, 4m, 1m), "a field not sent takes its default, as in a Models entry");
        put.GetProperty("appsettings").GetProperty("model_ratio").GetDecimal().Should().Be(1m);
        var rows = (await host.RowsOfTypeAsync("consume")).Reverse().ToArray();
        rows.Select(r => r.GetProperty("spend").GetDecimal()).Should().Equal(0.004m, 0.003m); // (1000 + 500 × 4) × 0.5 × $2 / 1M
        rows.Select(r => (r.GetProperty("details").GetProperty("model_ratio").GetDecimal(), r.GetProperty("details").GetProperty("completion_ratio").GetDecimal()))
            .Should().Equal((1m, 2m), (0.5m, 4m));
        var change = (await PriceRowsAsync(host, "test-model")).Should().ContainSingle().Subject;
        change.GetProperty("message").GetString().Should().Contain("test-model").And.Contain("model_ratio 0.5");
        var details = change.GetProperty("details");
        details.GetProperty("model").GetString().Should().Be("test-model");
        (details.GetProperty("old").GetProperty("source").GetString(), details.GetProperty("old").GetProperty("model_ratio").GetDecimal(),
            details.GetProperty("old").GetProperty("completion_ratio").GetDecimal()).Should().Be(("appsettings", 1m, 2m));
        (details.GetProperty("new").GetProperty("source").GetString(), details.GetProperty("new").GetProperty("model_ratio").GetDecimal(),
            details.GetProperty("new").GetProperty("completion_ratio").GetDecimal()).Should().Be(("override", 0.5m, 4m));
    }

    [Fact]
    public async Task Delete_ReturnsToAppsettings_ASecondDeleteIs404()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = Usage;
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(10m));
        (await PutAsync(host, "test-model", """{"cluster":"openai","model_ratio":3}""")).Status.Should().Be(HttpStatusCode.OK);

        var deleted = await host.Admin.DeleteAsync("/admin/models/test-model");
        (await CallAsync(host, key)).Status.Should().Be(HttpStatusCode.OK);
        var again = await host.Admin.DeleteAsync("/admin/models/test-model");

        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        again.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await host.RowsOfTypeAsync("consume")).Single().GetProperty("spend").GetDecimal().Should().Be(0.004m);
        var (_, model) = await host.GetJsonAsync("/admin/models/test-model");
        (model.GetProperty("source").GetString(), model.GetProperty("model_ratio").GetDecimal()).Should().Be(("appsettings", 1m));
        model.GetProperty("updated_at").ValueKind.Should().Be(JsonValueKind.Null);
        var removal = (await PriceRowsAsync(host, "test-model")).First();
        removal.GetProperty("status").GetInt32().Should().Be(204);
        (removal.GetProperty("details").GetProperty("old").GetProperty("source").GetString(),
            removal.GetProperty("details").GetProperty("new").GetProperty("source").GetString()).Should().Be(("override", "appsettings"));
        (await PriceRowsAsync(host, "test-model")).Should().HaveCount(2, "the second delete removed nothing and left no row");
    }

    [Fact]
    public async Task Put_AModelNotConfigured_IsCallableAndListed_UntilItsDelete()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(10m));

        var (status, put) = await PutAsync(host, "team/per-call", """{"cluster":"openai","price":0.01,"upstream_model":"gpt-4o-mini"}""");
        var served = await CallAsync(host, key, "team/per-call");
        var (_, listed) = await host.GetJsonAsync("/v1/models", key);
        (await host.Admin.DeleteAsync("/admin/models/team/per-call")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var afterDelete = await CallAsync(host, key, "team/per-call");

        status.Should().Be(HttpStatusCode.OK, put.ToString());
        put.GetProperty("appsettings").ValueKind.Should().Be(JsonValueKind.Null, "only the run-time price lists it");
        put.GetProperty("model_ratio").ValueKind.Should().Be(JsonValueKind.Null, "a per-call model has no ratios");
        served.Status.Should().Be(HttpStatusCode.OK);
        host.Upstream.Received.Last(r => r.Path == "/v1/chat/completions").Body.Should().Contain("\"gpt-4o-mini\"");
        var row = (await host.RowsOfTypeAsync("consume")).Single();
        (row.GetProperty("spend").GetDecimal(), row.GetProperty("details").GetProperty("price").GetDecimal()).Should().Be((0.01m, 0.01m));
        listed.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).Should().Contain("team/per-call");
        (afterDelete.Status, ErrorCode(afterDelete.Body)).Should().Be((HttpStatusCode.NotFound, "model_not_found"));
        (await PriceRowsAsync(host, "team/per-call")).First().GetProperty("details").GetProperty("new").ValueKind
            .Should().Be(JsonValueKind.Null, "the model is no longer listed after its delete");
    }

    [Fact]
    public async Task List_EveryModelWithItsPricesAndWhereTheyComeFrom()
    {
        await using var host = await GatewayHost.StartAsync();
        (await PutAsync(host, "test-model", """{"cluster":"openai","model_ratio":0.25}""")).Status.Should().Be(HttpStatusCode.OK);

        var (status, list) = await host.GetJsonAsync("/admin/models");

        status.Should().Be(HttpStatusCode.OK);
        var models = list.EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        models.Keys.Should().Contain(["test-model", "renamed-model", "gpt-4o-mini"]).And.BeInAscendingOrder(StringComparer.Ordinal);
        (models["test-model"].GetProperty("source").GetString(), models["test-model"].GetProperty("model_ratio").GetDecimal(),
            models["test-model"].GetProperty("appsettings").GetProperty("model_ratio").GetDecimal()).Should().Be(("override", 0.25m, 1m));
        models["test-model"].GetProperty("updated_at").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        (models["renamed-model"].GetProperty("source").GetString(), models["renamed-model"].GetProperty("upstream_model").GetString(),
            models["renamed-model"].GetProperty("cache_write_ratio").GetDecimal()).Should().Be(("appsettings", "upstream-name", 1.25m));
    }

    [Theory]
    [InlineData("""{"cluster":"openai","model_ratio":-1}""", "model_ratio", "is negative")]
    [InlineData("""{"cluster":"openai","cache_ratio":2000000}""", "cache_ratio", "is larger than 1000000")]
    [InlineData("""{"cluster":"nowhere","model_ratio":1}""", "cluster", "not a cluster")]
    [InlineData("""{"model_ratio":1}""", "cluster", "is required")]
    [InlineData("""{"cluster":"openai","price":0.01,"model_ratio":1}""", "price", "priced one way")]
    [InlineData("""{"cluster":"openai","completion_ratio":"2"}""", "completion_ratio", "number")]
    [InlineData("""{"cluster":"openai","price_per_image":0.04}""", "price_per_image", "not a field")]
    [InlineData("""{"cluster":"openai","upstream_model":""}""", "upstream_model", "empty")]
    [InlineData("""[1]""", "body", "JSON object")]
    public async Task Put_BadValue_400NamingTheField_NothingChanges(string json, string field, string expected)
    {
        await using var host = await GatewayHost.StartAsync();

        var (status, body) = await PutAsync(host, "test-model", json);

        status.Should().Be(HttpStatusCode.BadRequest);
        var error = body.GetProperty("error");
        (error.GetProperty("type").GetString(), error.GetProperty("param").GetString()).Should().Be(("invalid_request_error", field));
        error.GetProperty("message").GetString().Should().StartWith(field).And.Contain(expected);
        (await host.GetJsonAsync("/admin/models/test-model")).Body.GetProperty("source").GetString().Should().Be("appsettings");
        (await PriceRowsAsync(host, "test-model")).Should().BeEmpty();
    }

    [Fact]
    public async Task ModelsApi_AnAPIKeyOrNoKey_401_NoAdminKeyConfigured_403()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        await using var disabled = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:AdminKey"] = "" });
        const string body = """{"cluster":"openai","model_ratio":9}""";

        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { host.NewClient(key), host.NewClient() })
        {
            statuses.Add((await client.GetAsync("/admin/models")).StatusCode);
            statuses.Add((await client.PutAsync("/admin/models/test-model", JsonContent(body))).StatusCode);
            statuses.Add((await client.DeleteAsync("/admin/models/test-model")).StatusCode);
        }
        var whenDisabled = await disabled.Admin.PutAsync("/admin/models/test-model", JsonContent(body));

        statuses.Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        whenDisabled.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await host.GetJsonAsync("/admin/models/test-model")).Body.GetProperty("model_ratio").GetDecimal().Should().Be(1m);
    }

    [Fact]
    public async Task Overrides_SurviveARestart()
    {
        var directory = Directory.CreateTempSubdirectory("gateway-tests-").FullName;
        var store = GatewayHost.TestStoreIsPostgres
            ? await (await PostgresServer.SharedAsync()).CreateDatabaseAsync()
            : $"Data Source={Path.Combine(directory, "gateway.db")}";
        string key;
        await using (var before = await GatewayHost.StartAsync(connectionString: store))
        {
            key = await before.CreateKeyAsync(await before.CreateAccountAsync(10m));
            (await PutAsync(before, "test-model", """{"cluster":"openai","model_ratio":1.50,"completion_ratio":0}""")).Status.Should().Be(HttpStatusCode.OK);
        }
        await using var after = await GatewayHost.StartAsync(connectionString: store);
        after.Upstream.Behavior = Usage;

        var served = await CallAsync(after, key);

        served.Status.Should().Be(HttpStatusCode.OK);
        var details = (await after.RowsOfTypeAsync("consume")).Single().GetProperty("details");
        details.GetProperty("model_ratio").GetRawText().Should().Be("1.50", "kept exactly as given, scale included");
        (await after.RowsOfTypeAsync("consume")).Single().GetProperty("spend").GetDecimal().Should().Be(0.003m); // 1000 × 1.5 × $2 / 1M
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task PricesChangingUnderLoad_EachRowChargedAtOneWholeSetOfPrices()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = Usage;
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(100m));
        string[] sets = ["""{"cluster":"openai","model_ratio":2,"completion_ratio":3}""", """{"cluster":"openai","model_ratio":5,"completion_ratio":7}"""];

        var changes = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
                (await PutAsync(host, "test-model", sets[i % 2])).Status.Should().Be(HttpStatusCode.OK);
        });
        var calls = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
                (await CallAsync(host, key)).Status.Should().Be(HttpStatusCode.OK);
        }));
        await Task.WhenAll(calls.Append(changes));

        var rows = await host.RowsOfTypeAsync("consume");
        rows.Should().HaveCount(60);
        foreach (var row in rows)
        {
            var details = row.GetProperty("details");
            var (ratio, completion) = (details.GetProperty("model_ratio").GetDecimal(), details.GetProperty("completion_ratio").GetDecimal());
            (ratio, completion).Should().BeOneOf((1m, 2m), (2m, 3m), (5m, 7m));
            row.GetProperty("spend").GetDecimal().Should().Be((1000 + 500 * completion) * ratio * 2 / 1_000_000);
        }
    }

    [Fact]
    public async Task OpenApi_DescribesTheModelCalls()
    {
        await using var host = await GatewayHost.StartAsync();

        var document = await host.Admin.GetStringAsync("/openapi/v1.json");

        document.Should().Contain("\"/admin/models\"").And.Contain("\"/admin/models/{name}\"").And.Contain("cache_write_ratio").And.Contain("upstream_model");
    }

    internal static async Task<(HttpStatusCode Status, JsonElement Body)> PutAsync(GatewayHost host, string model, string json)
    {
        using var response = await host.Admin.PutAsync($"/admin/models/{model}", JsonContent(json));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The system rows of the model's price changes, newest first.</summary>
    internal static async Task<JsonElement[]> PriceRowsAsync(GatewayHost host, string model) =>
        (await host.RowsOfTypeAsync("system")).Where(r => r.GetProperty("model").GetString() == model).ToArray();
}
