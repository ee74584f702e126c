using System.Diagnostics;
using System.Net;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.KeyPolicyHelpers;

namespace Gateway.Tests.EndToEnd.Postgres;

/// <summary>
/// SPEC §10/§13 with two instances on one PostgreSQL and Redis: a key's policy edited on one instance
/// holds on the other within 2 seconds, and a budget counts both instances' spend.
/// </summary>
[Collection(RedisCollection.Name)]
[Trait(StoreTraits.Name, StoreTraits.Postgres)]
public class KeyPolicyClusterTests
{
    [Fact]
    public async Task KeyPatchedOnOneInstance_TheOtherRefusesWithin2Seconds()
    {
        await using var redis = await RedisServer.StartAsync();
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        // The key cache is never re-read by age: only the change feed can tell B.
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.ConnectionString, ["Gateway:KeyCacheSeconds"] = "3600" };
        await using var a = await GatewayHost.StartAsync(new Dictionary<string, string?>(settings), connectionString: database);
        await using var b = await GatewayHost.StartAsync(new Dictionary<string, string?>(settings), connectionString: database);
        var (id, key) = await CreateKeyAsync(a, await a.CreateAccountAsync(1m));
        (await CallAsync(b, key)).Status.Should().Be(HttpStatusCode.OK, "B has the key cached now");

        (await PatchKeyAsync(a, id, """{"models":["renamed-model"]}""")).Status.Should().Be(HttpStatusCode.OK);
        var watch = Stopwatch.StartNew();
        (HttpStatusCode Status, System.Text.Json.JsonElement Body) answer;
        do
            answer = await CallAsync(b, key);
        while (answer.Status == HttpStatusCode.OK && watch.Elapsed < TimeSpan.FromSeconds(5));

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        (answer.Status, ErrorCode(answer.Body)).Should().Be((HttpStatusCode.Forbidden, "model_not_allowed"));
    }

    [Fact]
    public async Task Budget_SpentOnBothInstances_CountsTheRowsOfBoth()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var a = await GatewayHost.StartAsync(connectionString: database);
        await using var b = await GatewayHost.StartAsync(connectionString: database);
        a.Upstream.Behavior = b.Upstream.Behavior = new FakeBehavior { PromptTokens = 1000, CompletionTokens = 0 };
        var (id, key) = await CreateKeyAsync(a, await a.CreateAccountAsync(1m), "\"budget\":0.004");

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            answers.Add((await CallAsync(i % 2 == 0 ? a : b, key)).Status);

        answers.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.PaymentRequired);
        (await GetKeyAsync(b, id)).GetProperty("spent").GetDecimal().Should().Be(0.004m);
    }
}
