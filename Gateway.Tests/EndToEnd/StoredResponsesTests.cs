using System.Net;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// SPEC §12: a stored response's calls (retrieve, input items, cancel, delete) reach the cluster and destination
/// that created it, for the account that created it only; anyone else gets the 404 an unknown id gets.
/// </summary>
public class StoredResponsesTests
{
    private static async Task<string> CreateAsync(HttpClient client, bool background = false)
    {
        using var response = await client.PostAsync("/v1/responses",
            JsonContent($$"""{"model":"test-model","input":"Remember this for later","background":{{(background ? "true" : "false")}}}"""));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(method, path));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Creator_RetrievesListsCancelsDeletes_EachAFreeRow()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        using var client = host.NewClient(await host.CreateKeyAsync(account));
        var id = await CreateAsync(client, background: true);
        var balanceAfterCreating = await host.BalanceAsync(account);

        var retrieved = await SendAsync(client, HttpMethod.Get, $"/v1/responses/{id}");
        var items = await SendAsync(client, HttpMethod.Get, $"/v1/responses/{id}/input_items?limit=10");
        var cancelled = await SendAsync(client, HttpMethod.Post, $"/v1/responses/{id}/cancel");
        var deleted = await SendAsync(client, HttpMethod.Delete, $"/v1/responses/{id}");
        var afterDelete = await SendAsync(client, HttpMethod.Get, $"/v1/responses/{id}");

        retrieved.Status.Should().Be(HttpStatusCode.OK);
        retrieved.Body.GetProperty("id").GetString().Should().Be(id);
        items.Body.GetProperty("data")[0].GetProperty("content")[0].GetProperty("text").GetString().Should().Be("Remember this for later");
        cancelled.Body.GetProperty("status").GetString().Should().Be("cancelled");
        deleted.Body.GetProperty("deleted").GetBoolean().Should().BeTrue();
        afterDelete.Status.Should().Be(HttpStatusCode.NotFound);
        host.Upstream.Received.Should().Contain(r => r.Path == $"/v1/responses/{id}/input_items" && r.Query == "?limit=10");
        host.Upstream.Received.Count(r => r.Method == "GET" && r.Path == $"/v1/responses/{id}").Should().Be(1, "after the delete the gateway answers itself");
        host.Upstream.Received.Should().OnlyContain(r => !r.Headers.ContainsKey("authorization") || r.Headers["authorization"] == $"Bearer {GatewayHost.UpstreamKey}");

        var rows = (await host.LogsAsync()).Where(r => r.GetProperty("type").GetString() != "system").ToArray();
        rows.Should().HaveCount(6);
        rows.Single(r => r.GetProperty("path").GetString() == "/v1/responses")
            .GetProperty("details").GetProperty("response_id").GetString().Should().Be(id);
        var lookups = rows.Where(r => r.GetProperty("path").GetString()!.StartsWith($"/v1/responses/{id}", StringComparison.Ordinal)).ToArray();
        lookups.Should().HaveCount(5).And.OnlyContain(r => r.GetProperty("spend").GetDecimal() == 0m);
        lookups.Where(r => r.GetProperty("type").GetString() == "consume").Should().HaveCount(4)
            .And.OnlyContain(r => r.GetProperty("model").GetString() == "test-model" && r.GetProperty("details").GetProperty("price").GetDecimal() == 0m);
        (await host.BalanceAsync(account)).Should().Be(balanceAfterCreating);
    }

    [Fact]
    public async Task OtherAccount_GetsTheSame404AsAnUnknownId_NeverForwarded()
    {
        await using var host = await GatewayHost.StartAsync();
        using var owner = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m, "owner")));
        using var other = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m, "other")));
        var id = await CreateAsync(owner);
        var forwardedBefore = host.Upstream.Received.Count;

        var stolen = await SendAsync(other, HttpMethod.Get, $"/v1/responses/{id}");
        var deleted = await SendAsync(other, HttpMethod.Delete, $"/v1/responses/{id}");
        var unknown = await SendAsync(other, HttpMethod.Get, "/v1/responses/resp_0123456789abcdef");
        var malformed = await SendAsync(other, HttpMethod.Get, "/v1/responses/resp%20x%3B");

        foreach (var (status, body) in new[] { stolen, deleted, unknown, malformed })
        {
            status.Should().Be(HttpStatusCode.NotFound);
            body.GetProperty("error").GetProperty("code").GetString().Should().Be("not_found");
        }
        stolen.Body.GetProperty("error").GetProperty("message").GetString().Should().Be($"No response with id '{id}' was found.");
        host.Upstream.Received.Count.Should().Be(forwardedBefore);
        (await SendAsync(owner, HttpMethod.Get, $"/v1/responses/{id}")).Status.Should().Be(HttpStatusCode.OK, "the other account's delete never reached it");
        var otherRows = (await host.RowsOfTypeAsync("error")).Where(r => r.GetProperty("status").GetInt32() == 404).ToArray();
        otherRows.Should().HaveCount(4);
    }

    [Fact]
    public async Task CreatedOnTheBackupDestination_LookupsGoThereOnly()
    {
        await using var backup = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:openai:Destinations:backup:Address"] = backup.BaseAddress,
        });
        // The default destination is down for this test: the response is created on the backup.
        host.Upstream.Behavior = new FakeBehavior { FailWithStatus = StatusCodes.Status503ServiceUnavailable };
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));
        var id = await CreateAsync(client);

        var retrieved = await SendAsync(client, HttpMethod.Get, $"/v1/responses/{id}");

        retrieved.Status.Should().Be(HttpStatusCode.OK);
        backup.StoredResponses.Ids.Should().Contain(id);
        host.Upstream.Received.Should().NotContain(r => r.Path.StartsWith("/v1/responses/", StringComparison.Ordinal),
            "the default destination does not hold the response and is never asked for it");
    }

    /// <summary>Both instances reach one fake upstream, as they would one provider.</summary>
    private static Dictionary<string, string?> OnUpstream(FakeUpstream upstream) => new()
    {
        ["ReverseProxy:Clusters:openai:Destinations:default:Address"] = upstream.BaseAddress,
    };

    [Fact]
    public async Task AfterARestart_TheCreatorStillReachesItsResponse_AnotherAccountGets404()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var directory = Directory.CreateTempSubdirectory("gateway-tests-").FullName;
        var store = GatewayHost.TestStoreIsPostgres
            ? await (await PostgresServer.SharedAsync()).CreateDatabaseAsync()
            : $"Data Source={Path.Combine(directory, "gateway.db")}";
        string ownerKey, otherKey, id;
        await using (var before = await GatewayHost.StartAsync(OnUpstream(upstream), plainUpstream: true, connectionString: store))
        {
            ownerKey = await before.CreateKeyAsync(await before.CreateAccountAsync(1m, "owner"));
            otherKey = await before.CreateKeyAsync(await before.CreateAccountAsync(1m, "other"));
            using var client = before.NewClient(ownerKey);
            id = await CreateAsync(client);
        }
        await using var after = await GatewayHost.StartAsync(OnUpstream(upstream), plainUpstream: true, connectionString: store);
        using var owner = after.NewClient(ownerKey);
        using var other = after.NewClient(otherKey);

        var stolen = await SendAsync(other, HttpMethod.Get, $"/v1/responses/{id}");
        var retrieved = await SendAsync(owner, HttpMethod.Get, $"/v1/responses/{id}");
        var deleted = await SendAsync(owner, HttpMethod.Delete, $"/v1/responses/{id}");
        var afterDelete = await SendAsync(owner, HttpMethod.Get, $"/v1/responses/{id}");

        stolen.Status.Should().Be(HttpStatusCode.NotFound);
        retrieved.Status.Should().Be(HttpStatusCode.OK);
        retrieved.Body.GetProperty("id").GetString().Should().Be(id);
        deleted.Body.GetProperty("deleted").GetBoolean().Should().BeTrue();
        afterDelete.Status.Should().Be(HttpStatusCode.NotFound);
        upstream.Received.Count(r => r.Method == "GET" && r.Path == $"/v1/responses/{id}").Should().Be(1, "only the owner's retrieval reached the upstream");
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    [Trait(StoreTraits.Name, StoreTraits.Postgres)]
    public async Task TwoInstancesOnOnePostgres_CreatedOnOne_RetrievedAndCancelledOnTheOther()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var store = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var first = await GatewayHost.StartAsync(OnUpstream(upstream), plainUpstream: true, connectionString: store);
        await using var second = await GatewayHost.StartAsync(OnUpstream(upstream), plainUpstream: true, connectionString: store);
        var ownerKey = await first.CreateKeyAsync(await first.CreateAccountAsync(1m, "owner"));
        var otherKey = await first.CreateKeyAsync(await first.CreateAccountAsync(1m, "other"));
        using var onFirst = first.NewClient(ownerKey);
        var id = await CreateAsync(onFirst, background: true);

        using var onSecond = second.NewClient(ownerKey);
        using var otherOnSecond = second.NewClient(otherKey);
        var stolen = await SendAsync(otherOnSecond, HttpMethod.Get, $"/v1/responses/{id}");
        var retrieved = await SendAsync(onSecond, HttpMethod.Get, $"/v1/responses/{id}");
        var cancelled = await SendAsync(onSecond, HttpMethod.Post, $"/v1/responses/{id}/cancel");

        stolen.Status.Should().Be(HttpStatusCode.NotFound);
        stolen.Body.GetProperty("error").GetProperty("code").GetString().Should().Be("not_found");
        retrieved.Status.Should().Be(HttpStatusCode.OK);
        cancelled.Body.GetProperty("status").GetString().Should().Be("cancelled");
    }
}
